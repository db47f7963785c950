namespace Iot.Provisioning.Alerts.Delivery;

/// <summary>How the SMTP connection is secured (MailKit's SecureSocketOptions, by name).</summary>
public enum SmtpSecurity
{
    /// <summary>Plain SMTP, no TLS: only for a relay on the same host or a closed network.</summary>
    None,

    /// <summary>STARTTLS required (submission port 587).</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465).</summary>
    SslOnConnect,

    /// <summary>Implicit TLS on 465, else STARTTLS when the server offers it.</summary>
    Auto,
}

/// <summary>Section <c>Alerts:Smtp</c>. No <see cref="Host"/> = no e-mail: such deliveries go dead saying so.</summary>
public sealed class AlertSmtpOptions
{
    public const string Section = "Alerts:Smtp";

    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    /// <summary>The sender, e.g. <c>IoT alerts &lt;alerts@example.com&gt;</c>.</summary>
    public string? From { get; set; }

    public string? Username { get; set; }

    /// <summary>A file holding the password (kept out of configuration files and environment listings).</summary>
    public string? PasswordFile { get; set; }

    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;

    public bool Configured => !string.IsNullOrWhiteSpace(Host);
}
