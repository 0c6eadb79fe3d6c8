using Microsoft.Extensions.Options;

namespace Shiming.Baidu;

/// <summary>
/// Keeps enough open connections to Baidu for the calls in flight, so that no paced call pays for a connect (and a
/// TLS handshake) between its start time and its arrival: a call that waits for one arrives late, and the calls
/// behind it then arrive closer together than they left.
/// </summary>
public sealed class BaiduConnections(IHttpClientFactory clients, IOptionsMonitor<BaiduOptions> options, TimeProvider time, ILogger<BaiduConnections> logger)
{
    /// <summary>
    /// How often the pool is topped up while calls go on: well inside the idle time after which servers commonly close
    /// a keep-alive connection (a minute or more), and inside <see cref="IdleTimeout"/>.
    /// </summary>
    public static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(30);

    /// <summary>How long the pool keeps an unused connection; longer than <see cref="RefreshEvery"/>, so a top-up finds the spares still open.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(50);

    private readonly Lock _gate = new();
    private Task _warming = Task.CompletedTask;
    private DateTimeOffset _warmedAt = DateTimeOffset.MinValue;
    private int _inFlight;
    private int _peakInFlight;

    /// <summary>Calls sent and not yet answered.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>
    /// Opens connections unless that was done lately: as many as <c>Baidu__QpsLimit</c> (a second's calls, enough for
    /// answers within a second) or the most calls in flight seen since the last time, whichever is more, and two
    /// spare. Each is a <c>HEAD</c> of the endpoint's root, which is no OCR interface and so spends none of its QPS;
    /// what it answers does not matter, only the connection it leaves in the pool.
    /// </summary>
    public Task EnsureWarmAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (now - _warmedAt < RefreshEvery)
            {
                return _warming;
            }

            _warmedAt = now;
            var count = Math.Max(options.CurrentValue.QpsLimit, Interlocked.Exchange(ref _peakInFlight, InFlight)) + 2;
            _warming = WarmAsync(count, cancellationToken);
            return _warming;
        }
    }

    /// <summary>Counts a call in flight until the returned scope is disposed, so the next top-up knows how many connections the calls need.</summary>
    public InFlightCall Track()
    {
        var now = Interlocked.Increment(ref _inFlight);
        var peak = Volatile.Read(ref _peakInFlight);
        while (now > peak && Interlocked.CompareExchange(ref _peakInFlight, now, peak) != peak)
        {
            peak = Volatile.Read(ref _peakInFlight);
        }

        return new InFlightCall(this);
    }

    private async Task WarmAsync(int count, CancellationToken cancellationToken)
    {
        var http = clients.CreateClient(BaiduClient.HttpClientName);
        var root = options.CurrentValue.Endpoint;
        var opened = await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Head, root);
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                return true;
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                return false; // the call that needs this connection will open it, or meet the fault itself
            }
        }));
        Log.ConnectionsWarmed(logger, count, opened.Count(ok => ok));
    }

    /// <summary>One call in flight, counted until disposed.</summary>
    public readonly struct InFlightCall(BaiduConnections connections) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref connections._inFlight);
    }
}
