using Iot.TestSupport;
using Microsoft.Playwright;

namespace Iot.Dashboard.Tests.Infrastructure;

/// <summary>
/// The app on a real Kestrel port over a seeded database, and Debian's Chromium driven by Playwright (no browser
/// download: tests/test.sh installs the chromium package).
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly TempDirectory _storage = new("iot-dash-browser");
    private IPlaywright? _playwright;
    private ProvisioningBridge? _bridge;

    public DashboardFactory Factory { get; private set; } = null!;

    public SeedData Seed { get; private set; } = null!;

    public string ConnectionString { get; private set; } = "";

    public string BaseUrl { get; private set; } = "";

    public string StorageRoot => _storage.Path;

    public IBrowser Browser { get; private set; } = null!;

    public string Artifacts { get; } = Path.Combine(AppContext.BaseDirectory, "artifacts");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing; run tests/test.sh (it installs the Debian chromium package)");
        }

        Directory.CreateDirectory(Artifacts);
        ConnectionString = await TestDatabase.CreateAsync("dash_browser");
        Seed = await SeedData.WriteAsync(ConnectionString, _storage.Path);
        var port = FreePort.Next();
        _bridge = await ProvisioningBridge.StartAsync(ConnectionString);
        var settings = DashboardFactory.Defaults(ConnectionString, _storage.Path);
        _bridge.Configure(settings);
        Factory = new DashboardFactory(settings);
        Factory.UseKestrel(port);
        Factory.StartServer();
        BaseUrl = $"http://127.0.0.1:{port}";

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--autoplay-policy=no-user-gesture-required"],
        });
    }

    public async Task<IPage> SignedInPageAsync(string email)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl, AcceptDownloads = true, ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        // The suite runs test assemblies side by side on two cores; Playwright's 30 s default is too tight for that.
        context.SetDefaultTimeout(90_000);
        context.SetDefaultNavigationTimeout(90_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/signin");
        await page.FillAsync("input[name=email]", email);
        await page.FillAsync("input[name=password]", SeedData.Password);
        await page.ClickAsync("#signin");
        // Signed in once the redirect to the overview has its document (see PageNavigation for why not WaitForURLAsync).
        // Each test waits for what it checks.
        await page.WaitForDocumentAsync(BaseUrl + "/");
        return page;
    }

    public async Task<string> ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(Artifacts, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (Factory is not null)
        {
            await Factory.DisposeAsync();
        }

        if (_bridge is not null)
        {
            await _bridge.DisposeAsync();
        }

        _storage.Dispose();
    }
}
