using NCrontab;

namespace Shiming.FunctionsHost.Timers;

/// <summary>When a timer function runs next, given when its last run was due and when it ended.</summary>
/// <remarks>Runs of one function never overlap: occurrences that come while a run is going wait for it and then make
/// one run at once, for the latest of them; when more than one came, the others are dropped and that run is past due.</remarks>
public sealed class TimerPlan
{
    private readonly CrontabSchedule _schedule;

    public TimerPlan(string expression)
    {
        // The Functions host takes six fields (with seconds) and the classic five.
        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        _schedule = CrontabSchedule.Parse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = fields == 6 });
    }

    public DateTime NextAfter(DateTime time) => _schedule.GetNextOccurrence(time);

    /// <summary>The run after the one due at <paramref name="due"/> that ended at <paramref name="ended"/> (UTC).</summary>
    public TimerRun Next(DateTime due, DateTime ended)
    {
        var next = _schedule.GetNextOccurrence(due);
        if (next > ended)
        {
            return new TimerRun(next, IsPastDue: false);
        }

        var latest = next;
        var missed = 0;
        for (var later = _schedule.GetNextOccurrence(next); later <= ended; later = _schedule.GetNextOccurrence(later))
        {
            latest = later;
            missed++;
        }

        return new TimerRun(latest, IsPastDue: missed > 0);
    }
}

/// <summary>One run of a timer function: the occurrence it is for, and whether occurrences were dropped before it.</summary>
public sealed record TimerRun(DateTime Due, bool IsPastDue);
