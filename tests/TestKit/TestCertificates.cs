using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RwAutoscaler.TestKit;

/// <summary>Throwaway ECDSA certificates: a CA, a server certificate for 127.0.0.1/localhost, client certificates, and PEM text for kubeconfigs.</summary>
public static class TestCertificates
{
    public static X509Certificate2 CreateAuthority(string name = "fake-kubernetes-ca")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return Reload(cert);
    }

    public static X509Certificate2 IssueServer(X509Certificate2 authority)
    {
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        return Issue(authority, "CN=fake-kube-apiserver", [san.Build(), new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false)]);
    }

    public static X509Certificate2 IssueClient(X509Certificate2 authority, string commonName) =>
        Issue(authority, $"CN={commonName}", [new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false)]);

    public static string CertificatePem(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return certificate.ExportCertificatePem();
    }

    public static string KeyPem(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var key = certificate.GetECDsaPrivateKey() ?? throw new ArgumentException("the certificate has no ECDSA private key", nameof(certificate));
        return key.ExportPkcs8PrivateKeyPem();
    }

    private static X509Certificate2 Issue(X509Certificate2 authority, string subject, X509Extension[] extensions)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        foreach (var extension in extensions)
        {
            request.CertificateExtensions.Add(extension);
        }
        var serial = RandomNumberGenerator.GetBytes(8);
        using var signed = request.Create(authority, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(29), serial);
        using var withKey = signed.CopyWithPrivateKey(key);
        return Reload(withKey);
    }

    /// <summary>Through PKCS#12, so that the private key is usable by TLS on Linux.</summary>
    private static X509Certificate2 Reload(X509Certificate2 certificate) =>
        X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
}
