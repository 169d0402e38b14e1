namespace Platform.Gateway.Security;

/// <summary>
/// The operator's key (<c>Platform:OperatorKey</c>). When unset on the embedded default, one is generated on first
/// start, kept 0600 in the data directory; the log says where (never the key itself).
/// </summary>
internal sealed class OperatorKeyOptions
{
    public string? OperatorKey { get; set; }

    public string DataDirectory { get; set; } = "data";
}
