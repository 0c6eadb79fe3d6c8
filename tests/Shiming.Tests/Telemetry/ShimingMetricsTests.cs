using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Shiming.Baidu;
using Shiming.Jobs;
using Shiming.Telemetry;

namespace Shiming.Tests.Telemetry;

/// <summary>The instruments on their own, read with the in-memory exporter, on a fake clock.</summary>
[TestClass]
[DoNotParallelize] // the meter provider listens to every meter named Shiming in the process
public sealed class ShimingMetricsTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly FakeBacklog _backlog = new();

    [TestMethod]
    public async Task Budget_used_is_the_last_seconds_starts_over_the_QPS_limit()
    {
        using var metrics = Create(qpsLimit: 4, out var provider, out var exported);
        for (var i = 0; i < 3; i++)
        {
            await metrics.MeasureBaiduCallAsync("verification", "idcard", $"job{i}", null, () => Task.FromResult(0), CallOutcomes.Describe);
            _time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.AreEqual(0.75, Gauges(provider, exported, "shiming.budget.used")["verification"], 1e-9);
        _time.Advance(TimeSpan.FromMilliseconds(750)); // the first start is now over a second old
        Assert.AreEqual(0.5, Gauges(provider, exported, "shiming.budget.used")["verification"], 1e-9);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.AreEqual(0, Gauges(provider, exported, "shiming.budget.used")["verification"]);
    }

    [TestMethod]
    public async Task Budget_used_is_per_kind_against_each_kinds_own_budget()
    {
        using var metrics = Create(qpsLimit: 4, out var provider, out var exported, moderationQps: 20);
        await metrics.MeasureBaiduCallAsync("verification", "idcard", "card", null, () => Task.FromResult(0), CallOutcomes.Describe);
        for (var i = 0; i < 5; i++)
        {
            await metrics.MeasureBaiduCallAsync("moderation", "user_defined", $"moderation{i}", null, () => Task.FromResult(0), CallOutcomes.Describe);
        }

        await metrics.MeasureBaiduCallAsync("text", "accurate_basic", "text", null, () => Task.FromResult(0), CallOutcomes.Describe);

        CollectionAssert.AreEquivalent(
            new Dictionary<string, double> { ["verification"] = 0.25, ["moderation"] = 0.25, ["text"] = 0.1 },
            Gauges(provider, exported, "shiming.budget.used"),
            "cards against Baidu__QpsLimit (4), moderation against its own 20, text against its default 10");
    }

    [TestMethod]
    public async Task Each_call_is_counted_by_its_outcome_class_and_timed_on_the_apps_clock()
    {
        using var metrics = Create(qpsLimit: 10, out var provider, out var exported);
        await metrics.MeasureBaiduCallAsync("verification", "idcard", "ok", null, () =>
        {
            _time.Advance(TimeSpan.FromMilliseconds(300));
            return Task.FromResult(0);
        }, CallOutcomes.Describe);
        foreach (var failure in new Exception[]
        {
            new BaiduApiException(18, "qps"), new BaiduApiException(17, "daily"), new BaiduApiException(19, "total"),
            new BaiduApiException(110, "token"), new BaiduApiException(216633, "not a card"), new BaiduApiException(282000, "internal"),
            new HttpRequestException("reset"), new TimeoutException("slow"),
        })
        {
            var thrown = await Assert.ThrowsAsync<Exception>(() => metrics.MeasureBaiduCallAsync<int>("verification", "idcard", "job", null, () => throw failure, CallOutcomes.Describe));
            Assert.AreSame(failure, thrown, "the call's exception passes through unchanged");
        }

        var calls = Sums(provider, exported, "shiming.baidu.calls", "outcome");
        CollectionAssert.AreEquivalent(
            new Dictionary<string, double> { ["success"] = 1, ["qps_refused"] = 1, ["quota"] = 2, ["token"] = 1, ["input"] = 1, ["transient"] = 3 },
            calls);
        var duration = exported.Last(m => m.Name == "shiming.baidu.call.duration");
        var success = duration.MetricPoints.Single(p => Tag(p, "outcome") == "success");
        Assert.AreEqual(0.3, success.GetHistogramSum(), 1e-9);
        Assert.AreEqual("s", duration.Unit);
    }

    [TestMethod]
    public void Finished_jobs_carry_kind_outcome_and_for_failures_the_error_code()
    {
        using var metrics = Create(qpsLimit: 10, out var provider, out var exported);
        metrics.JobFinished("verification", "completed");
        metrics.JobFinished("verification", "failed", "not_an_id_card");
        metrics.JobFinished("verification", "failed", "provider_unavailable", poisoned: true);
        metrics.JobFinished("verification", "terminated");
        metrics.JobAccepted("verification", "side", "back");

        provider.ForceFlush();
        var finished = exported.Last(m => m.Name == "shiming.jobs.finished").MetricPoints;
        Assert.AreEqual(4, finished.Count);
        Assert.IsTrue(finished.All(p => Tag(p, "kind") == "verification"));
        Assert.IsNull(Tag(finished.Single(p => Tag(p, "outcome") == "completed"), "error_code"));
        Assert.AreEqual("true", Tag(finished.Single(p => Tag(p, "error_code") == "provider_unavailable"), "poisoned"));
        Assert.IsNull(Tag(finished.Single(p => Tag(p, "error_code") == "not_an_id_card"), "poisoned"));
        var accepted = exported.Last(m => m.Name == "shiming.jobs.accepted").MetricPoints.Single();
        Assert.AreEqual("back", Tag(accepted, "side"));
        Assert.AreEqual(1, accepted.GetSumLong());
    }

    [TestMethod]
    public void Backlog_gauges_report_the_last_reading_and_nothing_before_the_first()
    {
        using var metrics = Create(qpsLimit: 10, out var provider, out var exported);
        Assert.IsFalse(HasPoint(provider, exported, "shiming.backlog.waiting"), "no reading yet, no point");

        _backlog.Reading = new BacklogReading(3, _time.GetUtcNow().AddSeconds(-90));
        Assert.AreEqual(3, Gauge(provider, exported, "shiming.backlog.waiting"));
        Assert.AreEqual(90, Gauge(provider, exported, "shiming.backlog.oldest_age"), 1e-9);

        _backlog.Reading = new BacklogReading(0, null);
        Assert.AreEqual(0, Gauge(provider, exported, "shiming.backlog.oldest_age"));
    }

    [TestMethod]
    public void Backlog_gauges_have_a_point_for_each_kinds_line()
    {
        using var metrics = Create(qpsLimit: 10, out var provider, out var exported);
        var text = new FakeBacklog { Reading = new BacklogReading(7, _time.GetUtcNow().AddSeconds(-30)) };
        metrics.ObserveKind("text", () => 10, text);
        _backlog.Reading = new BacklogReading(2, _time.GetUtcNow().AddSeconds(-5));

        CollectionAssert.AreEquivalent(new Dictionary<string, double> { ["verification"] = 2, ["text"] = 7 }, LongGauges(provider, exported, "shiming.backlog.waiting"));
        CollectionAssert.AreEquivalent(new Dictionary<string, double> { ["verification"] = 5, ["text"] = 30 }, Gauges(provider, exported, "shiming.backlog.oldest_age"));
    }

    private ShimingMetrics Create(int qpsLimit, out MeterProvider provider, out List<MetricSnapshot> exported, int? moderationQps = null)
    {
        exported = [];
        provider = Sdk.CreateMeterProviderBuilder().AddMeter(ShimingTelemetry.Name).AddInMemoryExporter(exported).Build();
        var metrics = new ServiceCollection()
            .AddMetrics()
            .AddSingleton<TimeProvider>(_time)
            .AddSingleton<ShimingMetrics>()
            .BuildServiceProvider()
            .GetRequiredService<ShimingMetrics>();
        metrics.ObserveKind("verification", () => qpsLimit, _backlog);
        metrics.ObserveKind("text", () => 10, new FakeBacklog());
        metrics.ObserveKind("moderation", () => moderationQps ?? 50, new FakeBacklog());
        _disposables.Add(provider);
        return metrics;
    }

    private readonly List<IDisposable> _disposables = [];

    [TestCleanup]
    public void DisposeProviders() => _disposables.ForEach(d => d.Dispose());

    private static double Gauge(MeterProvider provider, List<MetricSnapshot> exported, string name)
    {
        exported.Clear();
        provider.ForceFlush();
        var point = exported.Single(m => m.Name == name).MetricPoints.Single();
        return exported.Single(m => m.Name == name).MetricType == MetricType.LongGauge ? point.GetGaugeLastValueLong() : point.GetGaugeLastValueDouble();
    }

    private static Dictionary<string, double> Gauges(MeterProvider provider, List<MetricSnapshot> exported, string name)
    {
        exported.Clear();
        provider.ForceFlush();
        return exported.Single(m => m.Name == name).MetricPoints.ToDictionary(p => Tag(p, "kind")!, p => p.GetGaugeLastValueDouble());
    }

    private static Dictionary<string, double> LongGauges(MeterProvider provider, List<MetricSnapshot> exported, string name)
    {
        exported.Clear();
        provider.ForceFlush();
        return exported.Single(m => m.Name == name).MetricPoints.ToDictionary(p => Tag(p, "kind")!, p => (double)p.GetGaugeLastValueLong());
    }

    private static bool HasPoint(MeterProvider provider, List<MetricSnapshot> exported, string name)
    {
        exported.Clear();
        provider.ForceFlush();
        return exported.Any(m => m.Name == name && m.MetricPoints.Count > 0);
    }

    private static Dictionary<string, double> Sums(MeterProvider provider, List<MetricSnapshot> exported, string name, string key)
    {
        exported.Clear();
        provider.ForceFlush();
        return exported.Single(m => m.Name == name).MetricPoints.ToDictionary(p => Tag(p, key)!, p => (double)p.GetSumLong());
    }

    private static string? Tag(MetricPoint point, string key)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == key)
            {
                return Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture)?.ToLowerInvariant();
            }
        }

        return null;
    }

    private sealed class FakeBacklog : IBacklogReader
    {
        public BacklogReading? Reading { get; set; }

        public BacklogReading? Read() => Reading;
    }
}
