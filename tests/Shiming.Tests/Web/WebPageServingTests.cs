using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Shiming.BaiduEmulator;
using Shiming.Tests.Infrastructure;
using Shiming.Web;

namespace Shiming.Tests.Web;

/// <summary>The page's files as a browser fetches them: where, with which types and caching, and nothing else.</summary>
[TestClass]
public sealed class WebPageServingTests
{
    private static ShimingTestApp s_app = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext _) => s_app = await ShimingTestApp.GetSharedAsync(SharedApp.TimersDisabled);

    [TestMethod]
    public async Task The_folder_address_without_its_slash_redirects_to_the_page()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = s_app.BaseAddress };

        using var response = await client.GetAsync("/api/web?lang=en");

        Assert.AreEqual(HttpStatusCode.Redirect, response.StatusCode);
        Assert.AreEqual("/api/web/?lang=en", response.Headers.Location?.OriginalString);
    }

    [TestMethod]
    public async Task The_page_is_HTML_in_Chinese_revalidated_on_every_visit_and_allowed_to_load_only_from_its_own_origin()
    {
        using var anonymous = new HttpClient { BaseAddress = s_app.BaseAddress };

        using var response = await anonymous.GetAsync("/api/web/");

        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.AreEqual("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.AreEqual("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.IsTrue(response.Headers.CacheControl?.NoCache, "the files are not fingerprinted, so browsers must revalidate them");
        Assert.IsNotNull(response.Headers.ETag);
        var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        StringAssert.Contains(policy, "default-src 'none'");
        StringAssert.Contains(policy, "script-src 'self'");
        StringAssert.Contains(policy, "connect-src 'self'");
        Assert.AreEqual("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        var html = await response.Content.ReadAsStringAsync();
        StringAssert.Contains(html, "<html lang=\"zh-CN\">");
        StringAssert.Contains(html, "<script type=\"module\" src=\"app.js\"></script>");
    }

    [TestMethod]
    [DataRow("app.js", "text/javascript")]
    [DataRow("shiming-client.js", "text/javascript")]
    [DataRow("i18n.js", "text/javascript")]
    [DataRow("styles.css", "text/css")]
    [DataRow("icon.svg", "image/svg+xml")]
    public async Task Each_file_is_served_with_its_content_type(string file, string mediaType)
    {
        using var response = await s_app.Client.GetAsync($"/api/web/{file}");

        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.AreEqual(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.IsTrue(response.Headers.CacheControl?.NoCache);
    }

    [TestMethod]
    public async Task A_file_the_browser_already_has_is_answered_304()
    {
        using var first = await s_app.Client.GetAsync("/api/web/app.js");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/web/app.js");
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);

        using var second = await s_app.Client.SendAsync(request);

        Assert.AreEqual(HttpStatusCode.NotModified, second.StatusCode);
    }

    [TestMethod]
    [DataRow("/api/web/missing.js")]
    [DataRow("/api/web/app.js.map")]
    [DataRow("/api/web/..%2F..%2FShiming.Functions.dll")]
    [DataRow("/api/web/%2E%2E%2F%2E%2E%2Fappsettings.json")]
    [DataRow("/api/web/help/")]
    public async Task Anything_but_the_pages_files_is_a_404_problem(string path)
    {
        using var response = await s_app.Client.GetAsync(path);

        Assert.AreEqual(HttpStatusCode.NotFound, response.StatusCode);
        Assert.AreEqual("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.AreEqual("page_not_found", problem.GetProperty("code").GetString());
    }

    [TestMethod]
    public void Only_files_of_known_types_from_the_pages_folder_are_served()
    {
        var root = Directory.CreateTempSubdirectory("shiming-web-assets-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "help"));
            File.WriteAllText(Path.Combine(root, "index.html"), "<!doctype html>");
            File.WriteAllText(Path.Combine(root, "help", "index.html"), "<!doctype html>");
            File.WriteAllText(Path.Combine(root, "notes.txt"), "not part of the page");
            File.WriteAllText(Path.Combine(root, "secrets.json"), "{}");

            var assets = new WebAssets(root);

            CollectionAssert.AreEquivalent(new[] { "index.html", "help/index.html" }, assets.Paths.ToArray());
            Assert.AreEqual("index.html", assets.Find("")?.Path);
            Assert.AreEqual("help/index.html", assets.Find("help/")?.Path);
            Assert.IsNull(assets.Find("notes.txt"));
            Assert.IsNull(assets.Find("help/../index.html"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [TestMethod]
    public async Task The_page_is_left_out_of_the_OpenAPI_document()
    {
        using var response = await s_app.Client.GetAsync("/api/openapi/v1.json");

        var document = await response.Content.ReadFromJsonAsync<JsonElement>();
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToArray();
        Assert.IsFalse(paths.Any(p => p.Contains("/web", StringComparison.Ordinal)), string.Join(", ", paths));
    }
}
