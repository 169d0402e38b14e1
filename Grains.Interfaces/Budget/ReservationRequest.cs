namespace Platform.Grains.Interfaces.Budget;

/// <summary>A request to reserve budget before a model call.</summary>
/// <param name="AmountMicros">The worst-case cost.</param>
/// <param name="Purpose">What it is for (<c>run.model_call</c>, <c>proxy.chat_completion</c>).</param>
/// <param name="RunId">The run it belongs to, if any.</param>
/// <param name="RunCapMicros">The run's own cap: refused if the run's spent + reserved + amount would pass it.</param>
/// <param name="KeyId">The API key making the call, kept on the ledger entry so spend can be read per key.</param>
/// <param name="Model">The catalogue id of the model called, kept likewise.</param>
[GenerateSerializer, Immutable, Alias("platform.ReservationRequest")]
public sealed record ReservationRequest(long AmountMicros, string Purpose, string? RunId = null, long? RunCapMicros = null, string? KeyId = null, string? Model = null);
