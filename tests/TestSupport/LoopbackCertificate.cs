using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Platform.Testing;

/// <summary>
/// A self-signed TLS certificate for 127.0.0.1, made in memory for one test server, and the client side that trusts
/// exactly that certificate: tests pin it rather than switching certificate validation off.
/// </summary>
public static class LoopbackCertificate
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";

    /// <summary>Creates a certificate (with its private key) valid for 127.0.0.1 and localhost for a day either side of <paramref name="now"/>.</summary>
    public static X509Certificate2 Create(DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuthentication)], false));
        using var created = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));
        // A PKCS#12 round trip gives Kestrel a key it can use on every platform, not only an ephemeral one.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), password: null);
    }

    /// <summary>
    /// A handler that accepts the server certificate only when it is byte for byte <paramref name="pinned"/> and names the
    /// host it was reached at; it is self-signed, so the missing chain to a trusted root is the one error it overlooks.
    /// </summary>
    public static HttpMessageHandler PinnedHandler(X509Certificate2 pinned)
    {
        ArgumentNullException.ThrowIfNull(pinned);
        var expected = pinned.RawData;
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            certificate is not null &&
            (errors & ~System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors) == System.Net.Security.SslPolicyErrors.None &&
            certificate.GetRawCertData().AsSpan().SequenceEqual(expected);
        return handler;
    }
}
