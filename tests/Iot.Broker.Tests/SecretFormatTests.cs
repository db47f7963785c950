using Iot.Cloud.Bridge.Broker.Dynsec;
using Iot.Cloud.Bridge.Broker.Security;

namespace Iot.Broker.Tests;

public sealed class SecretFormatTests
{
    // Produced independently with Python: hashlib.pbkdf2_hmac('sha256', b'correct horse', b'0123456789abcdef', 1000, 32).
    private const string PythonHash = "pbkdf2-sha256$1000$MDEyMzQ1Njc4OWFiY2RlZg==$cBg8D2DungRB9k76szThf5ehfyBz991ay6PT8Srwk4M=";

    [Theory]
    [InlineData("correct horse", true)]
    [InlineData("correct horsE", false)]
    [InlineData("", false)]
    public void A_hash_made_by_another_pbkdf2_implementation_verifies_only_its_own_secret(string secret, bool expected) =>
        Assert.Equal(expected, SecretHash.Verify(secret, PythonHash));

    [Theory]
    [InlineData("pbkdf2-sha1$1000$MDEyMzQ1Njc4OWFiY2RlZg==$cBg8D2DungRB9k76szThf5ehfyBz991ay6PT8Srwk4M=")]
    [InlineData("pbkdf2-sha256$99999999$MDEyMzQ1Njc4OWFiY2RlZg==$cBg8D2DungRB9k76szThf5ehfyBz991ay6PT8Srwk4M=")]
    [InlineData("pbkdf2-sha256$1000$not base64$cBg8D2DungRB9k76szThf5ehfyBz991ay6PT8Srwk4M=")]
    [InlineData("pbkdf2-sha256$1000$MDEyMzQ1Njc4OWFiY2RlZg==")]
    public void Malformed_or_foreign_hash_strings_never_verify(string stored) =>
        Assert.False(SecretHash.Verify("correct horse", stored));

    [Fact]
    public void A_sealed_secret_opens_only_for_its_own_username_and_key()
    {
        var key = new byte[32];
        key[0] = 7;
        var sealer = new SecretSealer(key);
        var sealedBytes = sealer.Seal("t1.dev-a", "s3cret");

        Assert.Equal("s3cret", sealer.Open("t1.dev-a", sealedBytes));
        Assert.Null(sealer.Open("t1.dev-b", sealedBytes));
        Assert.Null(new SecretSealer(new byte[32]).Open("t1.dev-a", sealedBytes));
    }
}
