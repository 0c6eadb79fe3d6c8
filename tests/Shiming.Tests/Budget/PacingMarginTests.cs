using Microsoft.Extensions.Options;
using Shiming.Baidu;
using Shiming.Budget;
using Shiming.Jobs;
using FakeClock = Microsoft.Extensions.Time.Testing.FakeTimeProvider;

namespace Shiming.Tests.Budget;

/// <summary>The pacing margin against a clock that moves only when told: wide fast on refusals, narrow slow while calm, always in bounds.</summary>
[TestClass]
public sealed class PacingMarginTests
{
    private const double Min = 0.02;
    private const double Max = 0.25;

    [TestMethod]
    public void It_starts_at_the_minimum()
    {
        var (_, margin) = Create();

        Assert.AreEqual(Min, margin.Current, 1e-9);
    }

    [TestMethod]
    public void A_refusal_doubles_it_and_the_refusals_of_one_burst_count_once()
    {
        var (clock, margin) = Create();

        margin.Refused();
        clock.Advance(TimeSpan.FromMilliseconds(300));
        margin.Refused(); // a call already on its way when the first was refused
        Assert.AreEqual(0.04, margin.Current, 1e-9);

        clock.Advance(TimeSpan.FromSeconds(1));
        margin.Refused();
        Assert.AreEqual(0.08, margin.Current, 1e-9);
    }

    [TestMethod]
    public void While_nothing_is_refused_it_narrows_a_little_each_calm_period_back_to_the_minimum()
    {
        var (clock, margin) = Create();
        margin.Refused();
        clock.Advance(TimeSpan.FromSeconds(1));
        margin.Refused(); // 0.08

        clock.Advance(PacingMargin.CalmPeriod - TimeSpan.FromSeconds(1));
        Assert.AreEqual(0.08, margin.Current, 1e-9, "nothing is given back before a whole calm period");

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.AreEqual(0.08 - PacingMargin.NarrowBy, margin.Current, 1e-9);

        clock.Advance(PacingMargin.CalmPeriod * 5);
        Assert.AreEqual(0.08 - (6 * PacingMargin.NarrowBy), margin.Current, 1e-9);

        clock.Advance(TimeSpan.FromHours(1));
        Assert.AreEqual(Min, margin.Current, 1e-9);
    }

    [TestMethod]
    public void A_refusal_while_narrowing_widens_from_where_it_stands()
    {
        var (clock, margin) = Create();
        margin.Refused();
        clock.Advance(TimeSpan.FromSeconds(1));
        margin.Refused(); // 0.08
        clock.Advance(PacingMargin.CalmPeriod * 2); // 0.07

        margin.Refused();

        Assert.AreEqual(0.14, margin.Current, 1e-9);
    }

    [TestMethod]
    public void However_often_Baidu_refuses_it_never_passes_the_maximum_nor_drops_below_the_minimum()
    {
        var (clock, margin) = Create();
        var random = new Random(18);
        for (var i = 0; i < 2_000; i++)
        {
            if (random.Next(3) == 0)
            {
                margin.Refused();
            }

            clock.Advance(TimeSpan.FromMilliseconds(random.Next(0, 90_000)));
            Assert.IsTrue(margin.Current is >= Min and <= Max, $"margin {margin.Current} after step {i}");
        }

        for (var i = 0; i < 10; i++)
        {
            margin.Refused();
            clock.Advance(TimeSpan.FromSeconds(2));
        }

        Assert.AreEqual(Max, margin.Current, 1e-9);
    }

    [TestMethod]
    public void A_margin_of_zero_still_widens_on_a_refusal()
    {
        var (_, margin) = Create(min: 0);

        margin.Refused();

        Assert.AreEqual(PacingMargin.WidenBy, margin.Current, 1e-9);
    }

    // Clients are only built here, never called: the ledger's spacing needs no storage.
    private const string Development = "UseDevelopmentStorage=true";

    [TestMethod]
    public void The_ledger_spaces_starts_by_the_margin_in_force()
    {
        var (clock, margin) = Create();
        var ledger = new BudgetLedger(
            new BudgetRow(new Azure.Data.Tables.TableClient(Development, "State"), "idcard", _ => ValueTask.CompletedTask),
            () => 10,
            margin,
            clock);
        Assert.AreEqual(TimeSpan.FromMilliseconds(102), ledger.Interval);
        Assert.AreEqual(ledger.Interval, ledger.LateStartAllowed);

        margin.Refused();

        Assert.AreEqual(TimeSpan.FromMilliseconds(104), ledger.Interval);
        Assert.AreEqual(ledger.Interval, ledger.LateStartAllowed);
    }

    [TestMethod]
    public void A_minimum_above_the_maximum_is_refused_at_start()
    {
        var result = new PacingOptionsOrderValidator().Validate(null, new PacingOptions { PacingMarginMin = 0.3, PacingMarginMax = 0.1 });

        Assert.IsTrue(result.Failed);
        StringAssert.Contains(result.FailureMessage, "Baidu__PacingMarginMin");
    }

    private static (FakeClock Clock, PacingMargin Margin) Create(double min = Min)
    {
        var clock = new FakeClock(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        return (clock, new PacingMargin(new Monitor(new PacingOptions { PacingMarginMin = min, PacingMarginMax = Max }), clock));
    }

    private sealed class Monitor(PacingOptions value) : IOptionsMonitor<PacingOptions>
    {
        public PacingOptions CurrentValue => value;

        public PacingOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<PacingOptions, string?> listener) => null;
    }
}
