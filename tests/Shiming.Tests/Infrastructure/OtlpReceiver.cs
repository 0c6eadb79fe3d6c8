using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Shiming.Tests.Infrastructure;

/// <summary>
/// An OTLP/HTTP receiver (protocol <c>http/protobuf</c>) on a loopback port of its own: what a collector's
/// <c>otlp</c> receiver is to the worker, here in the test process. It keeps every export request as it came and
/// reads it with <see cref="OtlpMessages"/>.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(string Signal, byte[] Body, DateTimeOffset At)> _requests = new();

    private OtlpReceiver(WebApplication app) => _app = app;

    public Uri Endpoint { get; private set; } = null!;

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/{signal}", async (string signal, HttpRequest request) =>
        {
            if (request.ContentType != "application/x-protobuf")
            {
                return Results.StatusCode(StatusCodes.Status415UnsupportedMediaType);
            }

            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            receiver._requests.Enqueue((signal, body.ToArray(), DateTimeOffset.UtcNow));

            // An empty Export*ServiceResponse: everything accepted.
            return Results.Bytes([], "application/x-protobuf");
        });
        await app.StartAsync();
        receiver.Endpoint = new Uri(app.Urls.Single());
        return receiver;
    }

    /// <summary>The settings that point a worker at this receiver, exporting often enough for a test to wait on.</summary>
    public IReadOnlyDictionary<string, string> WorkerSettings => new Dictionary<string, string>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Endpoint.ToString().TrimEnd('/'),
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
    };

    /// <summary>Every request body received for one signal (<c>metrics</c>, <c>traces</c>, <c>logs</c>).</summary>
    public IReadOnlyList<byte[]> Bodies(string signal) => _requests.Where(r => r.Signal == signal).Select(r => r.Body).ToList();

    /// <summary>Each metrics export as it arrived: when, and its points (an observable gauge has one per export).</summary>
    public IReadOnlyList<(DateTimeOffset At, IReadOnlyList<OtlpMetricPoint> Points)> MetricExports() =>
        [.. _requests.Where(r => r.Signal == "metrics").Select(r => (r.At, (IReadOnlyList<OtlpMetricPoint>)OtlpMessages.MetricPoints(r.Body).ToList()))];

    public IReadOnlyList<OtlpMetricPoint> MetricPoints() => Bodies("metrics").SelectMany(OtlpMessages.MetricPoints).ToList();

    public IReadOnlyList<OtlpSpan> Spans() => Bodies("traces").SelectMany(OtlpMessages.Spans).ToList();

    public IReadOnlyList<OtlpLogRecord> LogRecords() => Bodies("logs").SelectMany(OtlpMessages.LogRecords).ToList();

    /// <summary>Waits until <paramref name="done"/> holds for what has arrived, or fails after <paramref name="timeout"/>.</summary>
    public async Task WaitForAsync(Func<OtlpReceiver, bool> done, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!done(this))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"Not exported in time: {what}. Metrics: {string.Join(", ", MetricPoints().Select(p => p.Name).Distinct())}; "
                    + $"spans: {string.Join(", ", Spans().GroupBy(s => s.Name).Select(g => $"{g.Key} ×{g.Count()}"))}");
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
