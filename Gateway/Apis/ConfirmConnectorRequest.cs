namespace Platform.Gateway.Apis;

/// <summary>The body of confirming a connector: the code the authorizing browser was shown.</summary>
/// <param name="ConfirmationCode">Ten letters and digits.</param>
internal sealed record ConfirmConnectorRequest(string? ConfirmationCode);
