namespace Iot.Provisioning.Admin;

/// <summary>An operation refused for a reason the operator can act on (unknown device, nothing pending, bad CSV).</summary>
public sealed class ProvisioningException : Exception
{
    public ProvisioningException()
    {
    }

    public ProvisioningException(string message)
        : base(message)
    {
    }

    public ProvisioningException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
