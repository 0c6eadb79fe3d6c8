using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;
using Shiming.Tests.Infrastructure;

namespace Shiming.Benchmark;

/// <summary>
/// A burst over time as an SVG: the calls that reached Baidu in each second (the emulator's log), and what the app
/// exported while it ran (<c>shiming.budget.used</c> and <c>shiming.backlog.waiting</c>, one point per metrics export).
/// </summary>
internal static class BurstPlot
{
    public static void Write(
        string path, DateTimeOffset start, IReadOnlyList<DateTimeOffset> arrivals, int qps,
        IReadOnlyList<(DateTimeOffset At, IReadOnlyList<OtlpMetricPoint> Points)> exports, string conditions)
    {
        var model = new PlotModel { Title = "A burst, as Baidu saw it and as the app exported it", Subtitle = conditions, Background = OxyColors.White };
        model.Legends.Add(new Legend { LegendPosition = LegendPosition.TopRight, LegendPlacement = LegendPlacement.Outside, LegendBackground = OxyColor.FromAColor(220, OxyColors.White) });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = "seconds since the burst began", Minimum = 0 });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Left, Key = "rate", Title = "calls a second", Minimum = 0, Maximum = qps * 1.4 });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Right, Key = "backlog", Title = "jobs waiting", Minimum = 0 });

        var calls = new StairStepSeries { Title = "calls at Baidu, per second", YAxisKey = "rate", Color = OxyColors.SteelBlue };
        var seconds = arrivals.Select(a => (int)Math.Floor((a - start).TotalSeconds)).Where(s => s >= 0).ToList();
        if (seconds.Count > 0)
        {
            for (var second = 0; second <= seconds.Max(); second++)
            {
                calls.Points.Add(new DataPoint(second, seconds.Count(s => s == second)));
            }
        }

        var budget = new LineSeries { Title = $"budget.used × {qps}", YAxisKey = "rate", Color = OxyColors.DarkOrange, MarkerType = MarkerType.Circle };
        var backlog = new LineSeries { Title = "backlog.waiting", YAxisKey = "backlog", Color = OxyColors.SeaGreen, MarkerType = MarkerType.Square };
        foreach (var (at, points) in exports.OrderBy(e => e.At))
        {
            var x = (at - start).TotalSeconds;
            if (points.Where(p => p.Name == "shiming.budget.used" && IsCards(p)).Select(p => p.Value).DefaultIfEmpty(double.NaN).Max() is var used && !double.IsNaN(used))
            {
                budget.Points.Add(new DataPoint(x, used * qps));
            }

            var waiting = points.Where(p => p.Name == "shiming.backlog.waiting" && IsCards(p)).ToList();
            if (waiting.Count > 0)
            {
                backlog.Points.Add(new DataPoint(x, waiting.Sum(p => p.Value)));
            }
        }

        model.Series.Add(calls);
        model.Series.Add(budget);
        model.Series.Add(backlog);
        using var file = File.Create(path);
        new SvgExporter { Width = 960, Height = 480 }.Export(model, file);
    }

    // The card line's points (the other kinds' lines report theirs beside it, at zero in a card burst).
    private static bool IsCards(OtlpMetricPoint point) => point.Attributes.GetValueOrDefault("kind", "verification") == "verification";
}
