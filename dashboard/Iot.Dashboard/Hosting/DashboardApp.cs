using System.Threading.RateLimiting;
using Iot.Cloud.Data;
using Iot.Cloud.Hosting;
using Iot.Cloud.Hosting.Health;
using Iot.Cloud.Storage;
using Iot.Dashboard.Alerts;
using Iot.Dashboard.Audio;
using Iot.Dashboard.Audit;
using Iot.Dashboard.Auth;
using Iot.Dashboard.Data;
using Iot.Dashboard.Dialogues;
using Iot.Dashboard.Fleet;
using Iot.Dashboard.Jobs;
using Iot.Dashboard.Localization;
using Iot.Dashboard.Monitoring;
using Iot.Dashboard.Opportunities;
using Iot.Dashboard.Overview;
using Iot.Dashboard.Performance;
using Iot.Dashboard.Provisioning;
using Iot.Dashboard.Reports;
using Iot.Dashboard.Reports.Mail;
using Iot.Dashboard.Reviews;
using Iot.Dashboard.Settings;
using Iot.Dashboard.Users;
using Iot.Provisioning.Api;
using Iot.Telemetry;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry.Trace;
using Scalar.AspNetCore;

namespace Iot.Dashboard.Hosting;

public static class DashboardApp
{
    public const string ApiRateLimit = "api";

    /// <summary>
    /// Development without a configured key signs with a random key made at start-up, so `dotnet run` works without
    /// set-up; tokens then die with the process. Never a key written in the source: anyone could forge with that.
    /// </summary>
    private static readonly Lazy<string> DevelopmentSigningKey = new(() => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48)));

    public static WebApplication Build(string[] args)
    {
        // ASP.NET Core's own defaults stay underneath (content root = working directory for wwwroot, appsettings.json,
        // ASPNETCORE_* for the environment and URLs); the cloud layering, Serilog and systemd notification on top are
        // the bridge's and the worker's (CloudHost.ApplyDefaults).
        var builder = CloudHost.ApplyDefaults(WebApplication.CreateBuilder(args), "iot-dashboard", args);
        AddTelemetry(builder);
        AddServices(builder.Services, builder.Configuration, builder.Environment);
        var app = builder.Build();
        Configure(app);
        return app;
    }

    /// <summary>
    /// A server span per HTTP request when <c>OpenTelemetry:Otlp:Endpoint</c> is set, tagged with the chunk id of
    /// <c>/api/chunks/{chunkId}/audio</c> so a chunk's trace search also finds who listened to it. Health probes are left
    /// out: one every few seconds per orchestrator would drown the requests people make.
    /// </summary>
    private static void AddTelemetry(WebApplicationBuilder builder) =>
        CloudHost.AddTelemetry(
            builder,
            "iot-dashboard",
            Environment.MachineName.ToLowerInvariant(),
            sources: [],
            meters: ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel"],
            tracing => tracing.AddAspNetCoreInstrumentation(o =>
            {
                o.Filter = context => !context.Request.Path.StartsWithSegments("/health");
                o.EnrichWithHttpResponse = (activity, response) =>
                {
                    if (response.HttpContext.GetRouteValue("chunkId") is string chunkId)
                    {
                        activity.SetTag(IotAttributes.ChunkId, chunkId);
                    }
                };
            }));

    public static void AddServices(IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.TryAddSingletonTimeProvider();
        services.AddOptions<DashboardOptions>().Bind(configuration.GetSection(DashboardOptions.Section))
            .PostConfigure(o =>
            {
                if (string.IsNullOrEmpty(o.Auth.SigningKey) && environment.IsDevelopment())
                {
                    o.Auth.SigningKey = DevelopmentSigningKey.Value;
                }
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<DashboardOptions>, DashboardOptionsValidator>();
        services.AddSingleton<IValidateOptions<DashboardOptions>, ReportOptionsValidator>();
        // The data source, the migrator and the Database options check every cloud program shares (DATABASE_URL is
        // layered into the configuration by Build, at the same place as the bridge's and the worker's).
        services.AddCloudDatabase(configuration);
        services.AddHostedService<StartupTasks>();

        // Where the bridges keep audio: Dashboard:Storage (Kind=Local|S3, S3:*), for Kind=Local under
        // Dashboard:StorageRoot unless Dashboard:Storage:Root says otherwise.
        services.AddAudioStore(
            configuration,
            DashboardOptions.StorageSection,
            o => o.Root = configuration[$"{DashboardOptions.Section}:{nameof(DashboardOptions.StorageRoot)}"] is { Length: > 0 } root ? root : new DashboardOptions().StorageRoot);

        // Ready: schema reachable and migrated (with MigrateOnStart off, a dashboard ahead of its database waits here)
        // and the joined-audio cache writable; the audio store readable, or else reported degraded (playback only).
        services.AddCloudHealthChecks().AddAudioStoreReadCheck(DashboardOptions.StorageSection).AddStorageCheck(
            sp =>
            {
                var o = sp.GetRequiredService<IOptions<DashboardOptions>>().Value;
                var key = string.IsNullOrEmpty(o.AudioCacheDirectory) ? nameof(DashboardOptions.DataDirectory) : nameof(DashboardOptions.AudioCacheDirectory);
                return ($"{DashboardOptions.Section}:{key}", o.AudioCachePath);
            },
            createIfMissing: true);

        // Auth
        services.AddSingleton<AuthStore>();
        services.AddSingleton<AccountCheck>();
        services.AddSingleton<LoginLockout>();
        services.AddSingleton<TokenIssuer>();
        services.AddSingleton<AuthService>();
        services.AddHttpContextAccessor();
        services.AddScoped(sp => TenantScope.FromPrincipal(sp.GetRequiredService<IHttpContextAccessor>().HttpContext?.User)
            ?? throw new InvalidOperationException("tenant data was requested outside a signed-in request"));
        services.AddScoped<TenantDb>();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<IOptions<DashboardOptions>>((jwt, dashboard) =>
        {
            jwt.MapInboundClaims = false;
            jwt.TokenValidationParameters = TokenIssuer.ValidationParameters(dashboard.Value.Auth);
            jwt.Events = new JwtBearerEvents
            {
                OnMessageReceived = context =>
                {
                    if (!context.Request.Headers.Authorization.Any())
                    {
                        context.Token = AuthCookies.AccessToken(context.HttpContext);
                    }

                    return Task.CompletedTask;
                },
                OnTokenValidated = async context =>
                {
                    var check = context.HttpContext.RequestServices.GetRequiredService<AccountCheck>();
                    if (await check.RejectReasonAsync(context.Principal!, context.HttpContext.RequestAborted).ConfigureAwait(false) is { } reason)
                    {
                        context.Fail(reason);
                    }
                },
                OnChallenge = context =>
                {
                    // Pages send people to the sign-in screen; the API answers a plain 401.
                    if (!context.Request.Path.StartsWithSegments("/api"))
                    {
                        context.HandleResponse();
                        context.Response.Redirect("/signin?returnUrl=" + Uri.EscapeDataString(context.Request.Path + context.Request.QueryString));
                    }

                    return Task.CompletedTask;
                },
            };
        });
        Policies.Add(services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build()));

        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(AuthEndpoints.LoginRateLimit, http =>
            {
                var perMinute = http.RequestServices.GetRequiredService<IOptions<DashboardOptions>>().Value.RateLimits.LoginPerMinute;
                return RateLimitPartition.GetFixedWindowLimiter(
                    ClientAddress.PartitionKey(http.Connection.RemoteIpAddress),
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
            });
            limiter.AddPolicy(ApiRateLimit, http =>
            {
                var perMinute = http.RequestServices.GetRequiredService<IOptions<DashboardOptions>>().Value.RateLimits.ApiPerMinute;
                var who = http.User.FindFirst(DashboardClaims.Subject)?.Value ?? ClientAddress.PartitionKey(http.Connection.RemoteIpAddress);
                return RateLimitPartition.GetFixedWindowLimiter(who, _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
            });
        });

        // Forwarded headers only from the configured proxies; the defaults (trust loopback) are cleared first.
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<DashboardOptions>>((forwarded, dashboard) =>
        {
            var proxy = dashboard.Value.Proxy;
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            forwarded.ForwardLimit = proxy.ForwardLimit;
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var address in proxy.KnownProxies)
            {
                forwarded.KnownProxies.Add(System.Net.IPAddress.Parse(address));
            }

            foreach (var network in proxy.KnownNetworks)
            {
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });

        services.AddProblemDetails();
        services.AddOpenApi(o => o.AddDocumentTransformer<BearerSecurityScheme>());
        services.AddRazorPages(pages =>
        {
            pages.Conventions.AllowAnonymousToPage("/SignIn");
            pages.Conventions.AllowAnonymousToPage("/Error");
        });

        services.AddSingleton<DashboardMetrics>();

        // Languages: one resource set (Localization/SharedResource*.resx); the culture is chosen per request.
        services.AddLocalization();
        // Razor writes text through HtmlEncoder, which by default turns every non-Latin letter into &#x…; entities:
        // Cyrillic and Turkic Latin pages would be several times larger and unreadable in the source. Markup characters
        // (<, >, &, quotes) are still encoded whatever the allowed ranges.
        services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o => o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        services.AddScoped<AnalysisLabels>();
        services.AddScoped<UserLanguageService>();

        // Features
        services.AddScoped<DialogueQueries>();
        services.AddScoped<AudioFiles>();
        services.AddSingleton<JoinedAudioCache>();
        services.AddScoped<OverviewQueries>();
        services.AddSingleton<OverviewRollup>();
        services.AddHostedService<OverviewRollupJob>();
        services.AddScoped<PerformanceQueries>();
        services.AddScoped<TrendQueries>();
        services.AddScoped<OpportunityQueries>();
        services.AddScoped<FleetQueries>();
        services.AddScoped<FleetEvents>();
        services.AddScoped<DeviceControl>();
        services.AddScoped<DeviceDetails>();
        services.AddScoped<TenantSettingsService>();
        services.AddScoped<BranchLanguageService>();
        services.AddScoped<AnalysisProfileService>();
        services.AddScoped<ReanalysisService>();
        services.AddScoped<DialogueReport>();
        services.AddScoped<SummaryQueries>();
        services.AddScoped<ReportSubscriptions>();
        services.AddSingleton<ReportMailer>();
        services.AddHostedService<ReportMailJob>();
        services.AddScoped<DashboardProvisioning>();
        services.AddScoped<UserAdmin>();
        services.AddScoped<AuditQueries>();
        services.AddScoped<ReviewStore>();
        services.AddScoped<ReviewExport>();
        services.AddScoped<AlertStore>();
        services.AddScoped<AlertEvents>();
        services.AddScoped<AlertRuleSettings>();
        services.AddScoped<AlertChannels>();

        // Provisioning actions belong to the bridge's operator API; the dashboard only calls it (reads stay local).
        services.AddScoped<OperatorApi>();
        services.AddSingleton<IProvisioningActions>(sp =>
        {
            var api = sp.GetRequiredService<IOptions<DashboardOptions>>().Value.ProvisioningApi;
            var url = api.Url.EndsWith('/') ? api.Url : api.Url + "/";
            return new HttpProvisioningActions(
                new HttpClient { Timeout = TimeSpan.FromSeconds(30) },
                new ProvisioningApiEndpoint(new Uri(url), NullIfEmpty(api.Token), NullIfEmpty(api.TokenFile)));
        });
    }

    private static string? NullIfEmpty(string value) => string.IsNullOrEmpty(value) ? null : value;

    public static void Configure(WebApplication app)
    {
        // Empty proxy lists would make the middleware believe every sender, so without configured proxies it is not used.
        if (app.Services.GetRequiredService<IOptions<DashboardOptions>>().Value.Proxy is { } proxy && (proxy.KnownProxies.Length > 0 || proxy.KnownNetworks.Length > 0))
        {
            app.UseForwardedHeaders();
        }

        app.UseResponseCounting();
        app.UseMiddleware<SecurityHeadersMiddleware>();
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }

        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseStaticFiles();
        app.UseMiddleware<CookieSessionMiddleware>();
        app.UseAuthentication();
        // Pages only, after authentication (the signed-in account's own language comes before the browser's). The API and
        // its exports keep the invariant culture: a client's CSV or JSON must not change with the caller's language.
        var localization = UserCultureProvider.LocalizationOptions();
        app.UseWhen(http => !http.Request.Path.StartsWithSegments("/api"), pages => pages.UseRequestLocalization(localization));
        app.UseRateLimiter();
        app.UseAuthorization();

        // The API description names every route and parameter: staff only (the fallback policy requires sign-in).
        app.MapOpenApi();
        app.MapScalarApiReference();
        app.MapAuthEndpoints();
        var api = app.MapGroup("/api").RequireRateLimiting(ApiRateLimit);
        api.MapDialogueEndpoints();
        api.MapAudioEndpoints();
        api.MapOverviewEndpoints();
        api.MapPerformanceEndpoints();
        api.MapOpportunityEndpoints();
        api.MapFleetEndpoints();
        api.MapDeviceEndpoints();
        api.MapProvisioningEndpoints();
        api.MapJobEndpoints();
        api.MapSettingsEndpoints();
        api.MapAnalysisProfileEndpoints();
        api.MapReportEndpoints();
        api.MapUserEndpoints();
        api.MapAuditEndpoints();
        api.MapReviewEndpoints();
        api.MapAlertEndpoints();
        api.MapLanguageEndpoints();
        app.MapRazorPages();

        // Probes for load balancers and supervisors, which do not sign in; they say only which check failed and why.
        app.MapHealthProbes().AllowAnonymous().DisableRateLimiting();

        // Prometheus: no sign-in either, but only for the configured scraper networks (loopback by default).
        app.MapDashboardMetrics(app.Services.GetRequiredService<IOptions<DashboardOptions>>().Value.Metrics);
    }

    private static void TryAddSingletonTimeProvider(this IServiceCollection services) =>
        Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions.TryAddSingleton(services, TimeProvider.System);
}
