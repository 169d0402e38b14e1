namespace Platform.Grains.Tools;

/// <summary>
/// The mail relay did not take a mail. <see cref="Exception.Message"/> is safe to show in a receipt or to the model: it
/// names the relay's configured <c>host:port</c> and what happened ("refused the connection", "refused RCPT TO with
/// code 550"), never the recipient, the content or the server's own text.
/// </summary>
// Serializable so that, thrown out of a grain method, it reaches a client on another silo with its type and properties.
[GenerateSerializer, Alias("platform.MailRelayException")]
public sealed class MailRelayException : Exception
{
    public MailRelayException()
        : this("the mail relay did not take the mail")
    {
    }

    public MailRelayException(string message)
        : base(message)
    {
    }

    public MailRelayException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
