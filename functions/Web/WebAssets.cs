using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace Shiming.Web;

/// <summary>One file of the web page, held in memory with what its response needs.</summary>
public sealed record WebAsset(string Path, byte[] Content, string ContentType, EntityTagHeaderValue ETag, DateTimeOffset LastModified);

/// <summary>
/// The web page's files, read once at start from <c>Web/wwwroot</c> beside the app's assembly (where the
/// build and publish put them). Only files of a known type are served, looked up by their exact relative
/// path, so no request can reach anything outside the folder.
/// </summary>
public sealed class WebAssets
{
    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private readonly FrozenDictionary<string, WebAsset> _assets;

    public WebAssets(string root)
    {
        var assets = new Dictionary<string, WebAsset>(StringComparer.Ordinal);
        if (Directory.Exists(root))
        {
            foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
            {
                if (!ContentTypes.TryGetValue(System.IO.Path.GetExtension(file), out var contentType))
                {
                    continue;
                }

                var path = System.IO.Path.GetRelativePath(root, file).Replace(System.IO.Path.DirectorySeparatorChar, '/');
                var content = File.ReadAllBytes(file);
                var etag = new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 12))}\"");
                var lastModified = new DateTimeOffset(File.GetLastWriteTimeUtc(file), TimeSpan.Zero);
                assets[path] = new WebAsset(path, content, contentType, etag, lastModified);
            }
        }

        _assets = assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Where the build and publish put the page's files.</summary>
    public static string DefaultRoot => System.IO.Path.Combine(AppContext.BaseDirectory, "Web", "wwwroot");

    public IEnumerable<string> Paths => _assets.Keys;

    /// <summary>The file at <paramref name="path"/>; a folder path (empty, or ending in <c>/</c>) means its <c>index.html</c>.</summary>
    public WebAsset? Find(string? path)
    {
        path ??= "";
        if (path.Length == 0 || path.EndsWith('/'))
        {
            path += "index.html";
        }

        return _assets.GetValueOrDefault(path);
    }
}
