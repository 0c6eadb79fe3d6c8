using System.Globalization;
using Shiming.BaiduEmulator;

namespace Shiming.Benchmark;

/// <summary>
/// A crash (<c>--crash-after</c>) or a storage outage (<c>--storage-outage</c>) a given time into the drain, and what
/// it cost: the calls out when it came, the cards read more than once, and the jobs it interrupted.
/// </summary>
internal sealed class MidBurstFault(BenchmarkOptions options, AppInstances apps, StorageRequests storage, Action<string> progress)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>When the fault came and how long it lasted (the killed instance away, or storage away); null before it is over.</summary>
    public (DateTimeOffset At, TimeSpan Away)? Seen { get; private set; }

    public bool IsCrash => options.CrashAfter is not null;

    /// <summary>
    /// When a fault is asked for: waits for the drain to start (<paramref name="drainStarted"/>: the first submission
    /// answered), then for the time asked, and brings the fault about: the first instance killed and started again, or
    /// storage away and back.
    /// </summary>
    public async Task RunAsync(Task drainStarted)
    {
        if (options.CrashAfter is null && options.StorageOutage is null)
        {
            return;
        }

        await drainStarted;
        await Task.Delay(options.CrashAfter ?? options.StorageOutageAfter);
        if (options.StorageOutage is { } outage)
        {
            progress(string.Create(Invariant, $"storage away for {outage.TotalSeconds:0} s"));
            var cutAt = DateTimeOffset.UtcNow;
            storage.Cut();
            await Task.Delay(outage);
            storage.Restore();
            Seen = (cutAt, DateTimeOffset.UtcNow - cutAt);
            progress("storage back");
            return;
        }

        progress("killing the first instance (host and worker, SIGKILL), and starting a new one in its place");
        Seen = await apps.RestartAsync(0, hard: true);
        progress(string.Create(Invariant, $"the first instance was away for {Seen.Value.Away.TotalSeconds:0.0} s"));
    }

    /// <summary>The fault's rows of the report.</summary>
    /// <param name="calls">The calls to the cards' API, as the emulator logged them.</param>
    /// <param name="takenAgain">The jobs taken again with no outcome recorded for an earlier take (event 3033).</param>
    /// <param name="unavailable">The clients' submissions and polls answered 503.</param>
    public void Report(IReadOnlyList<EmulatorCall> calls, int cards, IReadOnlyCollection<string> takenAgain, IReadOnlyDictionary<string, DateTimeOffset> finishedAt, int unavailable)
    {
        if (Seen is not { } fault)
        {
            return;
        }

        // Baidu's side: the calls out when the fault came (arrived before it, answered after it or never), and every
        // call that read a card; with no faults injected, a card read more than once was read again after the fault.
        var inFlight = calls.Count(c => c.ArrivedAt < fault.At && (c.AnsweredAt is null || c.AnsweredAt >= fault.At));
        var readings = calls.Count(c => c.ErrorCode is null && c.Fault is null);
        var backAt = fault.At + fault.Away;
        var afterBack = takenAgain.Where(finishedAt.ContainsKey).Select(id => (finishedAt[id] - backAt).TotalSeconds).Order().ToArray();
        Console.WriteLine(IsCrash
            ? string.Create(Invariant, $"| crash: the first instance killed (SIGKILL to host and worker), away until the new one's first answer | {fault.Away.TotalSeconds:0.0} s |")
            : string.Create(Invariant, $"| storage outage: every request cut for | {fault.Away.TotalSeconds:0.0} s ({storage.Between(fault.At, backAt).Count(r => r.Refused)} requests cut, {unavailable} submissions and status polls answered 503) |"));
        Console.WriteLine(string.Create(Invariant, $"| Baidu calls in flight at the fault (arrived before it, answered after it or never) | {inFlight} |"));
        Console.WriteLine(string.Create(Invariant, $"| calls that read a card, for {cards} cards (at most {cards + inFlight}: the cards and the calls in flight) | {readings} |"));
        Console.WriteLine(string.Create(Invariant, $"| jobs taken again with no outcome recorded (event 3033), finished after {(IsCrash ? "the restart" : "storage came back")} p50 / p95 / max | {takenAgain.Count}; {Percentiles.At(afterBack, 0.50):0.0} s / {Percentiles.At(afterBack, 0.95):0.0} s / {(afterBack.Length == 0 ? double.NaN : afterBack[^1]):0.0} s |"));
    }
}
