namespace Shiming.Api;

/// <summary>
/// Absolute URLs that name the address the client used. Under the Functions host a request reaches the
/// handler on 127.0.0.1, so the public origin comes from <c>Api__PublicBaseUrl</c> when set, else from the
/// forwarded headers (applied by the forwarded-headers middleware), else from the request itself.
/// </summary>
public sealed class PublicUrls(IConfiguration configuration)
{
    private readonly Uri? _configuredBase = Uri.TryCreate(configuration["Api:PublicBaseUrl"], UriKind.Absolute, out var uri) ? uri : null;

    public string Absolute(HttpRequest request, string path)
    {
        if (_configuredBase is not null)
        {
            return new Uri(_configuredBase, path.TrimStart('/')).ToString();
        }

        return $"{request.Scheme}://{request.Host}{request.PathBase}{path}";
    }
}
