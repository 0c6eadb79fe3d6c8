using Microsoft.Playwright;

namespace Shiming.Tests.Web;

/// <summary>
/// Debian's Chromium, headless, driven by Playwright's bundled driver. Never a downloaded browser:
/// <c>tests/install-test-dependencies.sh</c> installs the <c>chromium</c> package.
/// </summary>
internal sealed class Chromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>A phone held upright; scale 1 keeps the screenshots small.</summary>
    public static readonly BrowserNewContextOptions Phone = new()
    {
        ViewportSize = new ViewportSize { Width = 390, Height = 844 },
        DeviceScaleFactor = 1,
        IsMobile = true,
        HasTouch = true,
        Locale = "zh-CN",
        TimezoneId = "Asia/Shanghai",
    };

    public static readonly BrowserNewContextOptions Desktop = new()
    {
        ViewportSize = new ViewportSize { Width = 1024, Height = 768 },
        Locale = "zh-CN",
        TimezoneId = "Asia/Shanghai",
    };

    private static readonly Lazy<Task<Chromium>> s_shared = new(LaunchAsync);

    private readonly IPlaywright _playwright;

    private Chromium(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    /// <summary>
    /// The one browser every test class shares: the first to ask launches it, the assembly cleanup closes it. Each
    /// page runs in a context of its own (<see cref="NewContextAsync"/>), so classes side by side see nothing of each other.
    /// </summary>
    public static Task<Chromium> GetSharedAsync() => s_shared.Value;

    public static async Task StopSharedAsync()
    {
        if (s_shared.IsValueCreated && s_shared.Value.IsCompletedSuccessfully)
        {
            await (await s_shared.Value).DisposeAsync();
        }
    }

    private static async Task<Chromium> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"{ExecutablePath} is missing: the browser tests need Debian's chromium package. Run tests/install-test-dependencies.sh.");
        }

        // Generous, never asserted: the drain runs every second and a verification takes a second or two.
        Assertions.SetDefaultExpectTimeout((float)PageSession.Patience.TotalMilliseconds);
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                // Playwright gives each launch a fresh profile; these keep the browser from calling home.
                Args =
                [
                    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
                ],
            });
            return new Chromium(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A context whose requests carry <paramref name="principalId"/> as App Service Authentication would add it;
    /// without one, the page acts for the development account, as it does locally.
    /// </summary>
    public Task<IBrowserContext> NewContextAsync(BrowserNewContextOptions options, string? principalId = null)
    {
        var copy = new BrowserNewContextOptions(options);
        if (principalId is not null)
        {
            copy.ExtraHTTPHeaders = new Dictionary<string, string> { ["X-MS-CLIENT-PRINCIPAL-ID"] = principalId };
        }

        return Browser.NewContextAsync(copy);
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}
