using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shiming.Tests.Infrastructure;
using Yarp.ReverseProxy.Forwarder;

namespace Shiming.Benchmark;

/// <summary>
/// One request an app made to storage: when it reached the proxy, which service, its path and query, and how the
/// forwarding ended (<see cref="ForwarderError.None"/>: Azurite's answer, of any status, went back to the app), or
/// whether an outage cut it (<see cref="StorageRequests.Cut"/>).
/// </summary>
internal sealed record StorageRequest(DateTimeOffset At, string Service, string Target, ForwarderError Error, bool Cut = false);

/// <summary>
/// Every request the apps (their workers and their hosts) make to storage, counted by a reverse proxy in front of
/// Azurite that their connection string points at: one port per service, as a storage account has one endpoint per
/// service. Each request is one billed Azure Storage transaction (the app sends no batches). Only the apps are given
/// the proxy's address, so nothing else is counted. The proxy can also take storage away (<see cref="Cut"/>): every
/// request then has its connection dropped, as an app sees an account it cannot reach, while Azurite keeps its data.
/// </summary>
internal sealed partial class StorageRequests : IAsyncDisposable
{
    public static readonly IReadOnlyList<string> Services = ["blob", "queue", "table"];

    private readonly WebApplication _proxy;
    private readonly HttpMessageInvoker _azurite;
    private readonly ConcurrentQueue<StorageRequest> _requests = new();
    private readonly ConcurrentDictionary<HttpContext, byte> _inFlight = new();
    private volatile bool _cut;

    private StorageRequests(WebApplication proxy, HttpMessageInvoker azurite, string connectionString)
    {
        _proxy = proxy;
        _azurite = azurite;
        ConnectionString = connectionString;
    }

    /// <summary>The connection string that sends an app's storage requests through the proxy.</summary>
    public string ConnectionString { get; }

    public static async Task<StorageRequests> StartAsync(AzuriteInstance azurite)
    {
        // Each service's port here, and where its requests go on.
        var routes = new[] { azurite.BlobEndpoint, azurite.QueueEndpoint, azurite.TableEndpoint }
            .Select((endpoint, i) => (Port: ServiceProcess.FreePort(), Service: Services[i], Destination: new Uri(endpoint, "/").ToString()))
            .ToArray();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddHttpForwarder();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = null;
            foreach (var route in routes)
            {
                kestrel.Listen(IPAddress.Loopback, route.Port);
            }
        });
        var proxy = builder.Build();
        // The handler YARP's direct forwarding asks for: no proxy, redirects, cookies or decompression of its own.
        var client = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ActivityHeadersPropagator = null,
            ConnectTimeout = TimeSpan.FromSeconds(15),
        });
        var requests = new StorageRequests(
            proxy,
            client,
            $"DefaultEndpointsProtocol=http;AccountName={AzuriteInstance.AccountName};AccountKey={AzuriteInstance.AccountKey};" +
            string.Concat(routes.Select(r => string.Create(CultureInfo.InvariantCulture, $"{char.ToUpperInvariant(r.Service[0])}{r.Service[1..]}Endpoint=http://127.0.0.1:{r.Port}/{AzuriteInstance.AccountName};"))));
        var forwarder = proxy.Services.GetRequiredService<IHttpForwarder>();
        var config = new ForwarderRequestConfig { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionOrLower };
        var byPort = routes.ToDictionary(r => r.Port);
        proxy.Run(async context =>
        {
            var route = byPort[context.Connection.LocalPort];
            var at = DateTimeOffset.UtcNow;
            var target = context.Request.Path + context.Request.QueryString;
            if (requests._cut)
            {
                context.Abort();
                requests._requests.Enqueue(new StorageRequest(at, route.Service, target, ForwarderError.RequestCanceled, Cut: true));
                return;
            }

            requests._inFlight.TryAdd(context, 0);
            try
            {
                var error = await forwarder.SendAsync(context, route.Destination, client, config, HttpTransformer.Default);
                requests._requests.Enqueue(new StorageRequest(at, route.Service, target, error, Cut: error != ForwarderError.None && requests._cut));
            }
            finally
            {
                requests._inFlight.TryRemove(context, out _);
            }
        });
        await proxy.StartAsync();
        return requests;
    }

    /// <summary>
    /// Takes storage away: from now until <see cref="Restore"/>, every request has its connection dropped, and so
    /// do those in flight (whether Azurite did what they asked is not known to the app, as in a real outage).
    /// </summary>
    public void Cut()
    {
        _cut = true;
        foreach (var context in _inFlight.Keys)
        {
            context.Abort();
        }
    }

    /// <summary>Brings storage back, with everything Azurite held.</summary>
    public void Restore() => _cut = false;

    /// <summary>The requests that reached the proxy from <paramref name="from"/> up to <paramref name="to"/> and are over.</summary>
    public IReadOnlyList<StorageRequest> Between(DateTimeOffset from, DateTimeOffset to) => [.. _requests.Where(r => r.At >= from && r.At < to)];

    /// <summary>Blob / queue / table (total), each divided by <paramref name="per"/> (jobs, or seconds).</summary>
    public static string Describe(IReadOnlyCollection<StorageRequest> requests, double per)
    {
        var perService = Services.Select(s => requests.Count(r => r.Service == s) / per);
        return string.Create(CultureInfo.InvariantCulture, $"{string.Join(" / ", perService.Select(n => n.ToString("0.00", CultureInfo.InvariantCulture)))} ({requests.Count / per:0.00})");
    }

    /// <summary>
    /// How many of <paramref name="requests"/> were not passed on and answered, by why: the app gave up on them
    /// (<c>RequestCanceled</c>, a timeout or a stop of its own), or the way to Azurite failed; those an outage cut are
    /// counted apart.
    /// </summary>
    public static string DescribeUnanswered(IReadOnlyCollection<StorageRequest> requests)
    {
        var unanswered = requests.Where(r => r.Error != ForwarderError.None && !r.Cut).ToList();
        return unanswered.Count == 0
            ? "0"
            : string.Create(CultureInfo.InvariantCulture, $"{unanswered.Count} ({string.Join(", ", unanswered.GroupBy(r => r.Error).OrderByDescending(g => g.Count()).Select(g => $"{g.Count()} {g.Key}"))})");
    }

    /// <summary>
    /// The job ids a request may name (a record's or a line entry's key, an image's blob name): every run of exactly
    /// 32 hex digits in its decoded path and query. An account's blind index, a record's partition key, looks the same,
    /// so the caller keeps the ones it knows as jobs.
    /// </summary>
    public static IEnumerable<string> JobIds(StorageRequest request) =>
        JobIdPattern().Matches(Uri.UnescapeDataString(request.Target)).Select(match => match.Value);

    /// <summary>The queue a queue request is addressed to (the path's second segment, after the account), or null.</summary>
    public static string? Queue(StorageRequest request) =>
        request.Service == "queue" && request.Target.Split('?')[0].Split('/', StringSplitOptions.RemoveEmptyEntries) is { Length: >= 2 } segments
            ? segments[1]
            : null;

    public async ValueTask DisposeAsync()
    {
        await _proxy.StopAsync();
        await _proxy.DisposeAsync();
        _azurite.Dispose();
    }

    [GeneratedRegex("(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])")]
    private static partial Regex JobIdPattern();
}
