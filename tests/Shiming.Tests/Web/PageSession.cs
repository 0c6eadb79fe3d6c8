using Microsoft.Playwright;
using Shiming.BaiduEmulator;
using Shiming.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Shiming.Tests.Web;

/// <summary>
/// One browser tab on the page, with what a test watches: every request it makes, and every console error
/// or uncaught exception (a blocked request or script error shows up there).
/// </summary>
internal sealed class PageSession : IAsyncDisposable
{
    /// <summary>How long a page may take to reach a state: generous, and never asserted.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly IBrowserContext _context;
    private readonly List<string> _requests = [];
    private readonly List<string> _errors = [];

    private PageSession(IBrowserContext context, IPage page, Uri pageUri)
    {
        _context = context;
        Page = page;
        PageUri = pageUri;
        page.Request += (_, request) => Record(_requests, request.Url);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Record(_errors, message.Text);
            }
        };
        page.PageError += (_, error) => Record(_errors, error);
    }

    public IPage Page { get; }

    public Uri PageUri { get; }

    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_errors)
            {
                return [.. _errors];
            }
        }
    }

    /// <param name="waitForRoster">Wait until the roster has been read (false where it cannot be).</param>
    public static async Task<PageSession> OpenAsync(
        Chromium chromium, Uri appBaseAddress, BrowserNewContextOptions options, string? principalId = null, bool waitForRoster = true)
    {
        var context = await chromium.NewContextAsync(options, principalId);
        context.SetDefaultTimeout((float)Patience.TotalMilliseconds);
        var page = await context.NewPageAsync();
        var session = new PageSession(context, page, new Uri(appBaseAddress, "/api/web/"));
        await page.GotoAsync(session.PageUri.ToString());
        await session.WaitUntilReadyAsync(waitForRoster);
        return session;
    }

    /// <summary>Reloads the page and waits until its roster has been read.</summary>
    public async Task ReloadAsync()
    {
        await Page.ReloadAsync();
        await WaitUntilReadyAsync(waitForRoster: true);
    }

    private async Task WaitUntilReadyAsync(bool waitForRoster)
    {
        await Expect(Page.Locator("body")).ToHaveAttributeAsync("data-ready", "true");
        if (waitForRoster)
        {
            await Expect(Page.Locator("#roster-summary")).ToHaveAttributeAsync("data-free", new System.Text.RegularExpressions.Regex("^[0-5]$"));
        }
    }

    /// <summary>Chooses a file through the "choose from the gallery or files" control.</summary>
    public Task ChooseFileAsync(string path) => Page.Locator("#file-input").SetInputFilesAsync(path);

    public async Task ChooseSideAsync(string side) => await Page.Locator($"#side-{side}").CheckAsync();

    public Task SubmitAsync() => Page.Locator("#submit-button").ClickAsync();

    public Task ExpectStateAsync(string state) =>
        Expect(Page.Locator("#status-section")).ToHaveAttributeAsync("data-state", state);

    public Task ExpectFreePlacesAsync(int free) =>
        Expect(Page.Locator("#roster-summary")).ToHaveAttributeAsync("data-free", free.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The text a person can see, and the whole DOM, for checks that something never appears.</summary>
    public async Task<string> EverythingOnThePageAsync() =>
        await Page.ContentAsync() + "\n" + await Page.Locator("body").InnerTextAsync();

    /// <summary>
    /// Saves the whole page to <c>TestResults/screenshots/</c> in the checkout (where <c>npm test</c> puts its
    /// results) and attaches it to the test's result, so a run with a TRX logger carries it too.
    /// </summary>
    public async Task<string> ScreenshotAsync(TestContext testContext, string name)
    {
        var folder = Path.Combine(Repository.Root, "TestResults", "screenshots");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"{name}.png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true, Animations = ScreenshotAnimations.Disabled });
        testContext.AddResultFile(path);
        testContext.WriteLine($"screenshot: {path}");
        return path;
    }

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();

    private static void Record(List<string> list, string value)
    {
        lock (list)
        {
            list.Add(value);
        }
    }
}

/// <summary>
/// Synthetic card photos written to files, for the browser's file inputs: one folder for every test class, each file
/// in a folder of its own so that classes side by side never write over each other's; gone at the assembly cleanup.
/// </summary>
internal static class CardFiles
{
    private static readonly Lazy<DirectoryInfo> s_folder = new(() => Directory.CreateTempSubdirectory("shiming-web-cards-"));

    public static string Front(SyntheticPerson person) => Write("front.png", SyntheticCardImages.RenderFront(person));

    public static string Back(SyntheticCardBack back) => Write("back.png", SyntheticCardImages.RenderBack(back));

    public static string Write(string name, byte[] content)
    {
        var folder = s_folder.Value.CreateSubdirectory(Guid.NewGuid().ToString("N"));
        var path = Path.Combine(folder.FullName, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    public static void Delete()
    {
        if (s_folder.IsValueCreated)
        {
            s_folder.Value.Delete(recursive: true);
        }
    }
}
