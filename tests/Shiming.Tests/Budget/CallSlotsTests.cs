using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Shiming.Budget;
using Shiming.Jobs;

namespace Shiming.Tests.Budget;

/// <summary>
/// Callers waiting for their start times, against a clock that moves only when told: each jump of the clock is a
/// wake-up that came that late. The start times come from a ledger of the test's own, on the grid the shared one makes.
/// </summary>
[TestClass]
public sealed class CallSlotsTests
{
    private const int Qps = 10;
    private const int GivenUpEvent = 3014;
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(102);
    private static readonly DateTimeOffset T0 = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [TestMethod]
    public async Task A_caller_woken_past_the_allowed_lateness_gives_its_time_up_and_starts_at_the_next_free_one()
    {
        var (clock, times, logger, slots) = Create();
        times.Skip(TimeSpan.FromSeconds(1)); // the first free time is a second away
        var waiting = slots.WaitForSlotAsync(1, CancellationToken.None);
        await UntilAsync(() => times.Reserved >= 1, "the caller holding a start time");

        // Later than an interval after its time: that is the next call's time.
        var woken = T0 + TimeSpan.FromSeconds(1) + Interval + TimeSpan.FromMilliseconds(1);
        clock.SetUtcNow(woken);
        var started = await waiting.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.AreEqual(2, times.Reserved, "the caller did not take a new time");
        Assert.AreEqual(woken, started, "the caller did not start at the next free time (on this idle budget, now)");
        var givenUp = logger.Collector.GetSnapshot().Single(r => r.Id.Id == GivenUpEvent);
        StringAssert.Contains(givenUp.Message, "woke late");
    }

    [TestMethod]
    public async Task A_caller_woken_late_by_less_than_an_interval_still_starts_and_holds_the_calls_after_it_without_a_time_given_up()
    {
        var (clock, times, logger, slots) = Create();
        const int callers = 30;
        var late = TimeSpan.FromMilliseconds(80); // a collection of the heap, or a core busy elsewhere
        var first = T0 + TimeSpan.FromSeconds(1);
        times.Skip(first - T0);
        var starts = Enumerable.Range(0, callers).Select(_ => StartAsync()).ToList();
        await UntilAsync(() => times.Reserved >= callers, "every caller holding a start time");

        // Starts are read at the clock's steps, so up to a step late.
        var step = TimeSpan.FromMilliseconds(2);
        clock.SetUtcNow(first + late);
        await StepUntilDoneAsync(clock, step, starts);

        var started = await Task.WhenAll(starts).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.IsFalse(logger.Collector.GetSnapshot().Any(r => r.Id.Id == GivenUpEvent), "a start time was given up");
        CollectionAssert.AreEqual(
            Enumerable.Range(0, callers).Select(k => first + (Interval * k)).ToList(),
            started.Select(s => s.Slot).Order().ToList(),
            "each caller did not take its own time");

        var inOrder = started.OrderBy(s => s.Slot).ToList();
        var lateness = inOrder.Select(s => s.At - s.Slot).ToList();
        Assert.IsGreaterThanOrEqualTo(late, lateness[0]);
        Assert.IsLessThanOrEqualTo(step, lateness[2], "the calls right after the late one did not catch up with their times");
        Assert.IsGreaterThanOrEqualTo(late, lateness[Qps], "the call a second after the late one was not held by as much");
        Assert.IsLessThanOrEqualTo(late + step, lateness[Qps], "the call a second after the late one was held by more");
        for (var k = 0; k + Qps < callers; k++)
        {
            Assert.IsGreaterThanOrEqualTo(Interval * Qps - step, inOrder[k + Qps].At - inOrder[k].At, $"calls {k} to {k + Qps} started within the margin's second");
        }

        async Task<(DateTimeOffset Slot, DateTimeOffset At)> StartAsync()
        {
            var slot = await slots.WaitForSlotAsync(callers, CancellationToken.None);
            return (slot!.Value, clock.GetUtcNow());
        }
    }

    [TestMethod]
    public async Task The_first_caller_reserves_the_times_of_the_calls_its_drain_still_has_to_start_and_they_take_theirs_without_asking_again()
    {
        var (clock, times, _, slots) = Create();
        const int jobs = 3; // taken by the drain; the others still being prepared when the first wants its time

        var first = slots.WaitForSlotAsync(jobs, CancellationToken.None);
        await UntilAsync(() => times.Reservations == 1, "the first caller's reservation");
        Assert.AreEqual(jobs, times.Reserved);
        Assert.AreEqual(T0, await first.WaitAsync(TimeSpan.FromSeconds(30)));

        var later = Enumerable.Range(1, jobs - 1).Select(_ => slots.WaitForSlotAsync(jobs - 1, CancellationToken.None)).ToList();
        for (var k = 1; k < jobs; k++)
        {
            clock.SetUtcNow(T0 + (Interval * k));
            await UntilAsync(() => later.Count(t => t.IsCompleted) >= k, $"call {k} started");
        }

        CollectionAssert.AreEqual(
            Enumerable.Range(1, jobs - 1).Select(k => (DateTimeOffset?)(T0 + (Interval * k))).ToList(),
            (await Task.WhenAll(later)).Order().ToList());
        Assert.AreEqual(1, times.Reservations, "a later caller asked the ledger again");
    }

    [TestMethod]
    public async Task A_time_already_past_when_its_reservation_is_answered_is_given_up_as_such_and_the_caller_takes_the_next()
    {
        var (_, times, logger, slots) = Create();
        // An idle budget: the first time is now, and more than an interval gone once written.
        times.WriteTakes = Interval + TimeSpan.FromMilliseconds(5);

        var started = await slots.WaitForSlotAsync(2, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.AreEqual(T0 + Interval, started);
        var givenUp = logger.Collector.GetSnapshot().Single(r => r.Id.Id == GivenUpEvent);
        StringAssert.Contains(givenUp.Message, "past when reserved");
    }

    [TestMethod]
    public async Task After_a_slow_down_no_call_starts_for_its_duration_and_the_times_inside_it_are_given_up()
    {
        var (clock, times, _, slots) = Create();
        const int callers = 5;
        times.Skip(TimeSpan.FromMilliseconds(500));
        var waiting = Enumerable.Range(0, callers).Select(_ => slots.WaitForSlotAsync(callers, CancellationToken.None)).ToList();
        await UntilAsync(() => times.Reserved >= callers, "every caller holding a start time");

        await slots.SlowDownAsync(TimeSpan.FromSeconds(1), CancellationToken.None);
        // The clock moves on in small steps (each caller's continuation may run a little after a step; where it does, it
        // only wakes later) until every caller has started.
        await StepUntilDoneAsync(clock, Interval / 4, waiting);

        var started = await Task.WhenAll(waiting).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.IsTrue(started.All(s => s >= T0 + TimeSpan.FromSeconds(1)), string.Join(", ", started));
        Assert.HasCount(callers, started.Distinct());
    }

    private static (FakeTimeProvider Clock, StartTimes Times, FakeLogger<CallSlots> Logger, CallSlots Slots) Create()
    {
        var clock = new FakeTimeProvider(T0);
        var times = new StartTimes(clock);
        var logger = new FakeLogger<CallSlots>();
        return (clock, times, logger, new CallSlots(times, clock, logger));
    }

    /// <summary>Moves the clock on by <paramref name="step"/> at a time, for at most ten seconds of it, until every caller has started.</summary>
    private static async Task StepUntilDoneAsync(FakeTimeProvider clock, TimeSpan step, IReadOnlyCollection<Task> callers)
    {
        var until = clock.GetUtcNow() + TimeSpan.FromSeconds(10);
        while (!callers.All(t => t.IsCompleted) && clock.GetUtcNow() < until)
        {
            clock.Advance(step);
            await Task.Delay(1);
        }
    }

    /// <summary>Waits, by the real clock, for the callers' continuations to catch up with the fake one.</summary>
    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Not reached: {what}.");
            }

            await Task.Delay(2);
        }
    }

    /// <summary>Start times on the shared ledger's grid, without its table.</summary>
    private sealed class StartTimes(FakeTimeProvider clock) : IStartTimeSource
    {
        private readonly Lock _gate = new();
        private DateTimeOffset _next = DateTimeOffset.MinValue;
        private int _reserved;
        private int _reservations;

        public int QpsLimit => Qps;

        public TimeSpan Interval => CallSlotsTests.Interval;

        public TimeSpan LateStartAllowed => Interval;

        public int Reserved => Volatile.Read(ref _reserved);

        public int Reservations => Volatile.Read(ref _reservations);

        /// <summary>How long a reservation takes to be answered: the clock moves on by as much before it returns.</summary>
        public TimeSpan WriteTakes { get; set; }

        public void Skip(TimeSpan ahead)
        {
            lock (_gate)
            {
                _next = clock.GetUtcNow() + ahead;
            }
        }

        public Task<IReadOnlyList<DateTimeOffset>> ReserveAsync(int count, CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                var now = clock.GetUtcNow();
                var first = _next > now ? _next : now;
                _next = first + (Interval * count);
                Interlocked.Add(ref _reserved, count);
                Interlocked.Increment(ref _reservations);
                if (WriteTakes > TimeSpan.Zero)
                {
                    clock.Advance(WriteTakes);
                }

                return Task.FromResult<IReadOnlyList<DateTimeOffset>>([.. Enumerable.Range(0, count).Select(i => first + (Interval * i))]);
            }
        }
    }
}
