namespace Platform.Grains.Tools;

/// <summary>An SMTP server refused a command; <see cref="Exception.Message"/> names the command and the reply code only.</summary>
public sealed class SmtpCommandException : Exception
{
    public SmtpCommandException()
    {
    }

    public SmtpCommandException(string message)
        : base(message)
    {
    }

    public SmtpCommandException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
