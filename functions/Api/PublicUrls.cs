namespace Shiming.Api;

/// <summary>
/// Absolute URLs that name the address the client used. The Functions host forwards each request to the worker's
/// own listener on loopback, so the public origin comes from <c>Api__PublicBaseUrl</c> (the templates set it to the
/// site's host name, the run command to its local address); without it, from the request as the worker received it.
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
