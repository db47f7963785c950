using Iot.Provisioning.Security;

namespace Iot.Provisioning.Tests.Security;

public sealed class SecretHasherTests
{
    [Fact]
    public void A_secret_verifies_against_its_own_hash_and_no_other()
    {
        var secret = SecretGenerator.NewSecret();
        var hash = SecretHasher.Hash(secret);

        Assert.StartsWith("pbkdf2-sha256$120000$", hash, StringComparison.Ordinal);
        Assert.True(SecretHasher.Verify(secret, hash));
        Assert.False(SecretHasher.Verify(secret + "x", hash));
        Assert.False(SecretHasher.Verify(secret, SecretHasher.Hash(secret + "x")));
        Assert.NotEqual(hash, SecretHasher.Hash(secret));
    }

    [Theory]
    [InlineData("")]
    [InlineData("pbkdf2-sha256$abc$AAAA$AAAA")]
    [InlineData("md5$1$AAAA$AAAA")]
    [InlineData("pbkdf2-sha256$100000$not base64!$AAAA")]
    public void A_malformed_stored_hash_never_verifies(string stored) => Assert.False(SecretHasher.Verify("anything", stored));

    [Fact]
    public void Generated_secrets_are_url_safe_and_carry_32_random_bytes()
    {
        var secrets = Enumerable.Range(0, 50).Select(_ => SecretGenerator.NewSecret()).ToList();
        Assert.All(secrets, s => Assert.Matches("^[A-Za-z0-9_-]{43}$", s));
        Assert.Equal(50, secrets.Distinct().Count());
    }
}
