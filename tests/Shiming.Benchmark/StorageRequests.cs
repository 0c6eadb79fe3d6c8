using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Shiming.Tests.Infrastructure;
using Yarp.ReverseProxy.Forwarder;

namespace Shiming.Benchmark;

/// <summary>
/// Every request the apps (their workers and their hosts) make to storage, counted by a <see cref="StorageProxy"/> in
/// front of Azurite that their connection string points at. Each request is one billed Azure Storage transaction (the
/// app sends no batches). Only the apps are given the proxy's address, so nothing else is counted. The proxy can also
/// take storage away (<see cref="Cut"/>) while Azurite keeps its data.
/// </summary>
internal sealed partial class StorageRequests : IAsyncDisposable
{
    public static IReadOnlyList<string> Services => StorageProxy.Services;

    private readonly ConcurrentQueue<StorageRequest> _requests;
    private readonly StorageProxy _proxy;

    private StorageRequests(ConcurrentQueue<StorageRequest> requests, StorageProxy proxy)
    {
        _requests = requests;
        _proxy = proxy;
    }

    /// <summary>The connection string that sends an app's storage requests through the proxy.</summary>
    public string ConnectionString => _proxy.ConnectionString;

    public static async Task<StorageRequests> StartAsync(AzuriteInstance azurite)
    {
        var requests = new ConcurrentQueue<StorageRequest>();
        return new StorageRequests(requests, await StorageProxy.StartAsync(azurite, requests.Enqueue));
    }

    /// <summary>
    /// Takes storage away: from now until <see cref="Restore"/>, every request has its connection dropped, and so
    /// do those in flight (whether Azurite did what they asked is not known to the app, as in a real outage).
    /// </summary>
    public void Cut() => _proxy.State = StorageState.Unreachable;

    /// <summary>Brings storage back, with everything Azurite held.</summary>
    public void Restore() => _proxy.State = StorageState.Reachable;

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
        var unanswered = requests.Where(r => r.Error != ForwarderError.None && !r.Refused).ToList();
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

    public ValueTask DisposeAsync() => _proxy.DisposeAsync();

    [GeneratedRegex("(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])")]
    private static partial Regex JobIdPattern();
}
