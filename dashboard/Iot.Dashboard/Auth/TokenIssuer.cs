using System.Security.Claims;
using System.Text;
using Iot.Dashboard.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Iot.Dashboard.Auth;

public sealed record AccessToken(string Token, DateTimeOffset ExpiresAt);

/// <summary>Short-lived HS256 access tokens carrying the user's tenant, role and branches.</summary>
public sealed class TokenIssuer(IOptions<DashboardOptions> options, TimeProvider time)
{
    public const string Audience = "iot-dashboard";

    public static SymmetricSecurityKey KeyFrom(AuthOptions auth) => new(Encoding.UTF8.GetBytes(auth.SigningKey));

    public AccessToken Issue(DashboardUser user)
    {
        var auth = options.Value.Auth;
        var now = time.GetUtcNow();
        var expires = now.AddMinutes(auth.AccessTokenMinutes);
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = auth.Issuer,
            Audience = Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Subject = new ClaimsIdentity(
            [
                new Claim(DashboardClaims.Subject, user.UserId.ToString()),
                new Claim(DashboardClaims.Email, user.Email),
                new Claim(DashboardClaims.Role, user.Role),
                new Claim(DashboardClaims.Tenant, user.TenantId),
                new Claim(DashboardClaims.Branches, user.Branches is null ? Data.TenantScope.AllBranches : string.Join(',', user.Branches)),
            ]),
            SigningCredentials = new SigningCredentials(KeyFrom(auth), SecurityAlgorithms.HmacSha256),
        };
        return new AccessToken(new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor), expires);
    }

    public static TokenValidationParameters ValidationParameters(AuthOptions auth) => new()
    {
        ValidIssuer = auth.Issuer,
        ValidAudience = Audience,
        IssuerSigningKey = KeyFrom(auth),
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ClockSkew = TimeSpan.FromSeconds(5),
        NameClaimType = DashboardClaims.Email,
        RoleClaimType = DashboardClaims.Role,
        RequireExpirationTime = true,
    };
}
