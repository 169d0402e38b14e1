using Microsoft.Extensions.Logging;

namespace Platform.Grains.Connectors.OAuth;

/// <summary>OAuth client log messages: endpoint hosts, statuses and error codes only, never tokens, codes or secrets.</summary>
internal static partial class OAuthLog
{
    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "OAuth {Grant} at {Host}: tokens received")]
    public static partial void TokensReceived(ILogger logger, string grant, string host);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "OAuth {Grant} at {Host} refused: {Status} {Error}")]
    public static partial void TokenRequestRefused(ILogger logger, string grant, string host, int status, string error);

    [LoggerMessage(EventId = 5111, Level = LogLevel.Information, Message = "OAuth revocation at {Host}: accepted")]
    public static partial void Revoked(ILogger logger, string host);

    [LoggerMessage(EventId = 5112, Level = LogLevel.Warning, Message = "OAuth revocation at {Host} not confirmed: {Reason}")]
    public static partial void RevocationNotConfirmed(ILogger logger, string host, string reason);

    [LoggerMessage(EventId = 5113, Level = LogLevel.Information, Message = "OAuth provider {Host} has no revocation endpoint configured; tokens are only forgotten")]
    public static partial void NoRevocationEndpoint(ILogger logger, string host);
}
