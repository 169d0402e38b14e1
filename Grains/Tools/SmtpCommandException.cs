namespace Platform.Grains.Tools;

/// <summary>
/// An SMTP server refused a command or answered outside the protocol. <see cref="Exception.Message"/> is a phrase that
/// follows the relay's name ("refused RCPT TO with code 550"): the command and the reply code only, never the server's text.
/// </summary>
// Serializable so that, thrown out of a grain method, it reaches a client on another silo with its type and properties.
[GenerateSerializer, Alias("platform.SmtpCommandException")]
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
