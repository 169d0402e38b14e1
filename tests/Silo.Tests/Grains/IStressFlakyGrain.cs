namespace Platform.Silo.Tests.Grains;

/// <summary>Its first activation waits for the test's gate and then fails; later activations succeed.</summary>
public interface IStressFlakyGrain : IGrainWithStringKey
{
    /// <summary>Answers with <paramref name="value"/>.</summary>
    Task<int> EchoAsync(int value);
}
