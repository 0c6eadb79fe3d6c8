using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Shiming.Telemetry;

/// <summary>
/// The <c>Shiming</c> meter and its instruments; their names and attributes are part of the contract (docs/operations.md). Job
/// instruments carry <c>kind</c>; no instrument carries anything a person could be known by.
/// </summary>
public sealed class ShimingMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly Counter<long> _accepted;
    private readonly Counter<long> _finished;
    private readonly Counter<long> _baiduCalls;
    private readonly Counter<long> _repeatedCalls;
    private readonly Histogram<double> _baiduCallDuration;
    private readonly ConcurrentDictionary<string, ObservedKind> _kinds = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private Func<long> _tokenRenewals = () => 0;

    public ShimingMetrics(IMeterFactory meters, TimeProvider time)
    {
        _time = time;
        _meter = meters.Create(ShimingTelemetry.Name);
        _accepted = _meter.CreateCounter<long>("shiming.jobs.accepted", "{job}", "Jobs accepted, by kind and variant (a card's side).");
        _finished = _meter.CreateCounter<long>(
            "shiming.jobs.finished", "{job}", "Jobs that reached an end: completed, failed (with its error code) or terminated.");
        _baiduCalls = _meter.CreateCounter<long>(
            "shiming.baidu.calls", "{call}", "Calls to Baidu, by outcome class: success, qps_refused, quota, token, transient, input.");
        _repeatedCalls = _meter.CreateCounter<long>(
            "shiming.baidu.repeated_calls", "{call}", "Calls to Baidu for a job taken again with no outcome recorded for its earlier take (its drain died or lost storage): calls Baidu may charge twice; an upper bound, as the earlier take may have died before its call left.");
        _baiduCallDuration = _meter.CreateHistogram<double>(
            "shiming.baidu.call.duration", "s", "How long Baidu took to answer a call.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10] });
        _meter.CreateObservableGauge(
            "shiming.budget.used",
            () => _kinds.Select(kind => new Measurement<double>(
                kind.Value.Starts.InLastSecond() / (double)Math.Max(1, kind.Value.QpsLimit()),
                new KeyValuePair<string, object?>("kind", kind.Key))),
            "1",
            "Calls started in the last second as a share of the kind's budget (Baidu__QpsLimit for cards): 1 is the whole budget.");
        _meter.CreateObservableGauge(
            "shiming.backlog.waiting",
            () => Readings().Select(r => new Measurement<int>(r.Reading.Waiting, r.Kind)),
            "{job}",
            "Jobs waiting for their Baidu call, by kind.");
        _meter.CreateObservableGauge(
            "shiming.backlog.oldest_age",
            () => Readings().Select(r => new Measurement<double>(
                r.Reading.OldestAcceptedAt is { } oldest ? Math.Max(0, (time.GetUtcNow() - oldest).TotalSeconds) : 0, r.Kind)),
            "s",
            "How long the oldest waiting job of a kind has waited since it was accepted (0 when none waits).");
        _meter.CreateObservableCounter("shiming.token.renewals", () => _tokenRenewals(), "{token}", "Baidu access tokens fetched.");
    }

    /// <summary>
    /// Reports a kind of job: its budget (calls a second) for <c>shiming.budget.used</c> and its line for the backlog
    /// gauges. The kinds register when their lines are made: those are built from the services that count into this
    /// meter, so the meter cannot be handed them.
    /// </summary>
    public void ObserveKind(string kind, Func<int> qpsLimit, IBacklogReader backlog) =>
        _kinds[kind] = new ObservedKind(qpsLimit, backlog, _kinds.TryGetValue(kind, out var known) ? known.Starts : new RecentStartCount(_time));

    /// <summary>Where <c>shiming.token.renewals</c> reads its count.</summary>
    public void ObserveTokenRenewals(Func<long> renewals) => _tokenRenewals = renewals;

    private IEnumerable<(BacklogReading Reading, KeyValuePair<string, object?> Kind)> Readings() =>
        _kinds.Select(k => (Reading: k.Value.Backlog.Read(), k.Key))
            .Where(k => k.Reading is not null)
            .Select(k => (k.Reading!, new KeyValuePair<string, object?>("kind", k.Key)));

    /// <param name="variantName">What the kind calls its variant (<c>side</c> for cards), the attribute's name.</param>
    public void JobAccepted(string kind, string variantName, string? variant)
    {
        var tags = new TagList { { "kind", kind } };
        if (variant is not null)
        {
            tags.Add(variantName, variant);
        }

        _accepted.Add(1, tags);
    }

    /// <param name="outcome"><c>completed</c>, <c>failed</c> or <c>terminated</c>.</param>
    /// <param name="errorCode">Shiming's own error code of a failed job.</param>
    /// <param name="poisoned">The job's message went to the poison queue.</param>
    /// <param name="result">The kind's own result of a completed job, when it has one (an identity check's <c>matched</c>, …).</param>
    public void JobFinished(string kind, string outcome, string? errorCode = null, bool poisoned = false, string? result = null)
    {
        var tags = new TagList { { "kind", kind }, { "outcome", outcome } };
        if (result is not null)
        {
            tags.Add("result", result);
        }

        if (errorCode is not null)
        {
            tags.Add("error_code", errorCode);
        }

        if (poisoned)
        {
            tags.Add("poisoned", true);
        }

        _finished.Add(1, tags);
    }

    /// <summary>
    /// Makes one Baidu call through <paramref name="call"/>, which must start it at once: counts the start against the
    /// budget, spans it (linked to the job's submit span), times it and counts it by outcome class, which
    /// <paramref name="failure"/> names for an exception. Exceptions pass through unchanged.
    /// </summary>
    public async Task<T> MeasureBaiduCallAsync<T>(
        string kind, string api, string jobId, string? traceParent, Func<Task<T>> call, Func<Exception, CallFailure> failure, bool repeat = false)
    {
        if (repeat)
        {
            _repeatedCalls.Add(1, new KeyValuePair<string, object?>("api", api));
        }

        if (_kinds.TryGetValue(kind, out var observed))
        {
            observed.Starts.Add();
        }

        using var activity = ShimingTelemetry.Source.StartActivity(
            $"baidu {api}",
            ActivityKind.Client,
            parentContext: default,
            tags: [new("shiming.job.id", jobId), new("shiming.job.kind", kind), new("shiming.baidu.api", api), new("shiming.baidu.repeat", repeat)],
            links: ShimingTelemetry.LinksTo(traceParent));
        var started = _time.GetTimestamp();
        var outcome = CallFailure.Success;
        try
        {
            return await call();
        }
        catch (Exception ex)
        {
            var failed = failure(ex);
            outcome = failed.Outcome;
            activity?.SetStatus(ActivityStatusCode.Error);
            activity?.SetTag("error.type", failed.ErrorType);
            throw;
        }
        finally
        {
            activity?.SetTag("shiming.baidu.outcome", outcome);
            var tags = new TagList { { "api", api }, { "outcome", outcome } };
            _baiduCalls.Add(1, tags);
            _baiduCallDuration.Record(_time.GetElapsedTime(started).TotalSeconds, tags);
        }
    }

    public void Dispose() => _meter.Dispose();
}

/// <summary>How a failed call is counted: its outcome class, and the error type its span carries.</summary>
public readonly record struct CallFailure(string Outcome, string ErrorType)
{
    public const string Success = "success";
}

/// <summary>A kind of job the gauges report: its budget, its line, and the call starts of its last second.</summary>
internal sealed record ObservedKind(Func<int> QpsLimit, IBacklogReader Backlog, RecentStartCount Starts);

