namespace Platform.Silo.Tests.Grains;

/// <summary>Calls a grain back once the test opens the relay's gate.</summary>
public interface IStressRelayGrain : IGrainWithStringKey
{
    /// <summary>Waits for this relay's gate, then calls <paramref name="origin"/>'s TouchAsync and records "relay-called" at the origin's key.</summary>
    Task CallBackLaterAsync(IStressTurnGrain origin);
}
