using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Shiming.Tests.Infrastructure;

/// <summary>What the storage an app reaches through a <see cref="StorageProxy"/> does with its requests.</summary>
internal enum StorageState
{
    /// <summary>Every request goes on to Azurite.</summary>
    Reachable,

    /// <summary>Every request has its connection dropped, those in flight too, as an account the app cannot reach.</summary>
    Unreachable,

    /// <summary>Every request is answered <c>503 ServerBusy</c>, as Azure Storage answers when it throttles.</summary>
    Busy,
}

/// <summary>
/// One request an app made to storage through a <see cref="StorageProxy"/>: when it arrived, which service, its path and
/// query, and how it ended (<see cref="ForwarderError.None"/>: Azurite's answer, of any status, went back to the app;
/// <see cref="Refused"/>: the proxy answered or dropped it itself, as the storage state said).
/// </summary>
internal sealed record StorageRequest(DateTimeOffset At, string Service, string Target, ForwarderError Error, bool Refused = false);

/// <summary>
/// A reverse proxy in front of Azurite, one port per service as a storage account has one endpoint per service: an
/// app given <see cref="ConnectionString"/> reaches storage only through it, so the proxy sees every request (a
/// benchmark counts them) and can take storage away or make it busy (<see cref="State"/>) while Azurite keeps its data,
/// as Azure Storage would. Nothing but the app is given the proxy's address.
/// </summary>
internal sealed class StorageProxy : IAsyncDisposable
{
    public static readonly IReadOnlyList<string> Services = ["blob", "queue", "table"];

    private readonly WebApplication _proxy;
    private readonly HttpMessageInvoker _azurite;
    private readonly ConcurrentDictionary<HttpContext, byte> _inFlight = new();
    private volatile StorageState _state;

    private StorageProxy(WebApplication proxy, HttpMessageInvoker azurite, string connectionString)
    {
        _proxy = proxy;
        _azurite = azurite;
        ConnectionString = connectionString;
    }

    /// <summary>The connection string that sends an app's storage requests through the proxy.</summary>
    public string ConnectionString { get; }

    /// <summary>What storage does with requests from now on; made unreachable, it drops those in flight too.</summary>
    public StorageState State
    {
        get => _state;
        set
        {
            _state = value;
            if (value == StorageState.Unreachable)
            {
                foreach (var context in _inFlight.Keys)
                {
                    context.Abort();
                }
            }
        }
    }

    /// <param name="observe">Sees every request once it is over.</param>
    public static async Task<StorageProxy> StartAsync(AzuriteInstance azurite, Action<StorageRequest>? observe = null)
    {
        // Each service's port here, and where its requests go on.
        var routes = new[] { azurite.BlobEndpoint, azurite.QueueEndpoint, azurite.TableEndpoint }
            .Select((endpoint, i) => (Port: FreePort(), Service: Services[i], Destination: new Uri(endpoint, "/").ToString()))
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
        var app = builder.Build();
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
        var proxy = new StorageProxy(
            app,
            client,
            $"DefaultEndpointsProtocol=http;AccountName={AzuriteInstance.AccountName};AccountKey={AzuriteInstance.AccountKey};" +
            string.Concat(routes.Select(r => string.Create(CultureInfo.InvariantCulture, $"{char.ToUpperInvariant(r.Service[0])}{r.Service[1..]}Endpoint=http://127.0.0.1:{r.Port}/{AzuriteInstance.AccountName};"))));
        var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
        var config = new ForwarderRequestConfig { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionOrLower };
        var byPort = routes.ToDictionary(r => r.Port);
        app.Run(async context =>
        {
            var route = byPort[context.Connection.LocalPort];
            var at = DateTimeOffset.UtcNow;
            var target = context.Request.Path + context.Request.QueryString;
            switch (proxy._state)
            {
                case StorageState.Unreachable:
                    context.Abort();
                    observe?.Invoke(new StorageRequest(at, route.Service, target, ForwarderError.RequestCanceled, Refused: true));
                    return;
                case StorageState.Busy:
                    await AnswerServerBusyAsync(context, route.Service);
                    observe?.Invoke(new StorageRequest(at, route.Service, target, ForwarderError.None, Refused: true));
                    return;
            }

            proxy._inFlight.TryAdd(context, 0);
            try
            {
                var error = await forwarder.SendAsync(context, route.Destination, client, config, HttpTransformer.Default);
                observe?.Invoke(new StorageRequest(at, route.Service, target, error, Refused: error != ForwarderError.None && proxy._state == StorageState.Unreachable));
            }
            finally
            {
                proxy._inFlight.TryRemove(context, out _);
            }
        });
        await app.StartAsync();
        return proxy;
    }

    // Azure Storage's answer when it throttles: 503 with the error code in x-ms-error-code and the body, XML for blobs
    // and queues, JSON for tables (https://learn.microsoft.com/rest/api/storageservices/common-rest-api-error-codes).
    private static Task AnswerServerBusyAsync(HttpContext context, string service)
    {
        const string message = "The server is currently unable to receive requests. Please retry your request.";
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers["x-ms-error-code"] = "ServerBusy";
        context.Response.Headers["x-ms-request-id"] = Guid.NewGuid().ToString();
        if (service == "table")
        {
            context.Response.ContentType = "application/json;odata=minimalmetadata;streaming=true;charset=utf-8";
            return context.Response.WriteAsync(JsonSerializer.Serialize(
                new Dictionary<string, object> { ["odata.error"] = new { code = "ServerBusy", message = new { lang = "en-US", value = message } } }));
        }

        context.Response.ContentType = "application/xml";
        return context.Response.WriteAsync($"""<?xml version="1.0" encoding="utf-8"?><Error><Code>ServerBusy</Code><Message>{message}</Message></Error>""");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _proxy.StopAsync();
        await _proxy.DisposeAsync();
        _azurite.Dispose();
    }
}
