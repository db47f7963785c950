using System.Security.Claims;
using Iot.Dashboard.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Iot.Security.Tests.Infrastructure;

/// <summary>One API route of the running dashboard, as its endpoint table states it.</summary>
public sealed record DashboardRoute(string Method, RoutePattern Pattern, Endpoint Endpoint)
{
    /// <summary>"POST /api/users/{id:guid}": the key probe rules are written against.</summary>
    public string Key => $"{Method} {Pattern.RawText}";

    /// <summary>The first literal after <c>/api</c> ("dialogues", "devices", ...): what the route's ids are ids of.</summary>
    public string Resource => Pattern.PathSegments.Skip(1).Select(s => s.Parts[0]).OfType<RoutePatternLiteralPart>().Select(p => p.Content).FirstOrDefault() ?? "";

    public IReadOnlyList<string> Parameters => [.. Pattern.Parameters.Select(p => p.Name)];

    public bool AcceptsBody => Endpoint.Metadata.GetMetadata<IAcceptsMetadata>() is not null;

    public bool Anonymous => Endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;

    /// <summary>The path with every parameter replaced by <paramref name="value"/>'s answer.</summary>
    public string Path(Func<string, string> value) =>
        "/" + string.Join('/', Pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart parameter => Uri.EscapeDataString(value(parameter.Name)),
            RoutePatternSeparatorPart separator => separator.Content,
            _ => throw new InvalidOperationException($"unexpected route part in {Key}"),
        }))));

    /// <summary>Whether the endpoint's own authorization policies let <paramref name="role"/> in (asked of the app, not restated here).</summary>
    public async Task<bool> AllowsRoleAsync(IServiceProvider services, string role)
    {
        var data = Endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>();
        var policy = await AuthorizationPolicy.CombineAsync(services.GetRequiredService<IAuthorizationPolicyProvider>(), data)
            ?? await services.GetRequiredService<IAuthorizationPolicyProvider>().GetFallbackPolicyAsync();
        if (policy is null)
        {
            return true;
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(DashboardClaims.Role, role), new Claim(DashboardClaims.Subject, Guid.NewGuid().ToString())], "probe"));
        return (await services.GetRequiredService<IAuthorizationService>().AuthorizeAsync(principal, policy)).Succeeded;
    }

    /// <summary>Every API route of the app with each of its HTTP methods.</summary>
    public static IReadOnlyList<DashboardRoute> All(IServiceProvider services) =>
        [.. services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && raw.TrimStart('/').StartsWith("api/", StringComparison.Ordinal))
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => new DashboardRoute(m, e.RoutePattern, e)))
            .OrderBy(r => r.Key, StringComparer.Ordinal)];
}
