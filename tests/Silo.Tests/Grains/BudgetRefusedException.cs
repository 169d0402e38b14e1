namespace Platform.Silo.Tests.Grains;

/// <summary>A grain-defined exception type, to show types reach the caller unchanged.</summary>
public sealed class BudgetRefusedException : Exception
{
    public BudgetRefusedException()
    {
    }

    public BudgetRefusedException(string message) : base(message)
    {
    }

    public BudgetRefusedException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
