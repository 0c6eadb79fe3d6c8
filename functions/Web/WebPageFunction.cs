using Microsoft.AspNetCore.Http.HttpResults;
using Shiming.Api;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Azure.Functions.Worker;

namespace Shiming.Web;

/// <summary>
/// The web page a clinic can hand to its patients, served by the app itself under <c>/api/web/</c> so that
/// it works the same under the Functions host and standalone, and calls the API on its own origin.
/// </summary>
public sealed class WebPageFunction
{
    private static readonly WebAssets Assets = new(WebAssets.DefaultRoot);

    /// <summary>
    /// Everything the page loads or calls comes from its own origin: scripts and styles from files (no inline
    /// code), the card preview from a <c>blob:</c> URL, and nothing from any other site.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; connect-src 'self'; " +
        "manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    [Function(nameof(WebPage))]
    [AllowAnonymous]
    [ExcludeFromDescription]
    public Results<FileContentHttpResult, RedirectHttpResult, ProblemHttpResult> WebPage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "web/{*path}")] HttpRequest request, string? path) =>
        GetFile(Assets, path, request.HttpContext);

    /// <summary>
    /// A file of the page. The files are not fingerprinted, so browsers revalidate every time (<c>no-cache</c>)
    /// and get <c>304</c> for what they already have.
    /// </summary>
    public static Results<FileContentHttpResult, RedirectHttpResult, ProblemHttpResult> GetFile(WebAssets assets, string? path, HttpContext context)
    {
        var request = context.Request;
        if (string.IsNullOrEmpty(path) && request.Path.Value?.EndsWith('/') != true)
        {
            // Relative links in the page resolve against /api/web/, so the folder is always addressed with its slash.
            return TypedResults.Redirect($"{request.PathBase}{request.Path}/{request.QueryString}");
        }

        if (assets.Find(path) is not { } asset)
        {
            return Problems.Create(StatusCodes.Status404NotFound, "page_not_found", "No such page.",
                "Open the page at /api/web/.");
        }

        var headers = context.Response.Headers;
        headers.CacheControl = "no-cache";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        return TypedResults.File(asset.Content, asset.ContentType, lastModified: asset.LastModified, entityTag: asset.ETag);
    }
}
