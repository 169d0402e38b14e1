namespace Platform.Gateway.Security;

/// <summary>Authentication log messages: public key ids and client addresses, never a key's secret part.</summary>
internal static partial class SecurityLog
{
    [LoggerMessage(EventId = 6201, Level = LogLevel.Information, Message = "Operator key generated on first start; it is stored (0600) in {Path}. Read it from there; it is not printed")]
    public static partial void OperatorKeyGenerated(ILogger logger, string path);

    [LoggerMessage(EventId = 6202, Level = LogLevel.Warning, Message = "Refused key {KeyId} from {ClientAddress}: {Reason}")]
    public static partial void KeyRefused(ILogger logger, string keyId, string clientAddress, string reason);
}
