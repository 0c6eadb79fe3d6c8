namespace Shiming.Hosting;

/// <summary>
/// How the app is running: as a custom handler started by the Functions host (which sets
/// <c>FUNCTIONS_CUSTOMHANDLER_PORT</c>), or standalone with <c>dotnet run</c>.
/// </summary>
public sealed record HostingMode(int? CustomHandlerPort)
{
    public const string PortSetting = "FUNCTIONS_CUSTOMHANDLER_PORT";
    public const string StandaloneUrl = "http://localhost:7071";

    public bool IsCustomHandler => CustomHandlerPort is not null;

    public static HostingMode From(IConfiguration configuration)
    {
        var value = configuration[PortSetting];
        if (string.IsNullOrWhiteSpace(value))
        {
            return new HostingMode(CustomHandlerPort: null);
        }

        return int.TryParse(value, out var port) && port is > 0 and <= 65535
            ? new HostingMode(port)
            : throw new InvalidOperationException($"{PortSetting} must be a TCP port number.");
    }

    /// <summary>
    /// The host always calls <c>http://127.0.0.1:{port}</c>, so bind IPv4 loopback explicitly there;
    /// standalone, keep any URL given with <c>--urls</c> or <c>ASPNETCORE_URLS</c>.
    /// </summary>
    public void ConfigureUrls(WebApplicationBuilder builder)
    {
        if (IsCustomHandler)
        {
            builder.WebHost.UseUrls($"http://127.0.0.1:{CustomHandlerPort}");
        }
        else if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(StandaloneUrl);
        }
    }
}
