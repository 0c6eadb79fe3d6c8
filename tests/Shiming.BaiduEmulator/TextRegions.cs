namespace Shiming.BaiduEmulator;

/// <summary>A rotated rectangle in image pixels: its centre, its sides and the angle of its width side in radians.</summary>
internal readonly record struct RotatedBox(double CenterX, double CenterY, double Width, double Height, double Angle)
{
    /// <summary>The corners in reading order: top left, top right, bottom right, bottom left.</summary>
    public (double X, double Y)[] Corners()
    {
        var (sin, cos) = Math.SinCos(Angle);
        var (hw, hh) = (Width / 2, Height / 2);
        return
        [
            (CenterX - (hw * cos) + (hh * sin), CenterY - (hw * sin) - (hh * cos)),
            (CenterX + (hw * cos) + (hh * sin), CenterY + (hw * sin) - (hh * cos)),
            (CenterX + (hw * cos) - (hh * sin), CenterY + (hw * sin) + (hh * cos)),
            (CenterX - (hw * cos) - (hh * sin), CenterY - (hw * sin) + (hh * cos)),
        ];
    }

    /// <summary>The axis-aligned box around it, clipped to the picture.</summary>
    public CardBox Bounds(int imageWidth, int imageHeight)
    {
        var corners = Corners();
        var left = (int)Math.Floor(Math.Clamp(corners.Min(c => c.X), 0, imageWidth));
        var top = (int)Math.Floor(Math.Clamp(corners.Min(c => c.Y), 0, imageHeight));
        var right = (int)Math.Ceiling(Math.Clamp(corners.Max(c => c.X), 0, imageWidth));
        var bottom = (int)Math.Ceiling(Math.Clamp(corners.Max(c => c.Y), 0, imageHeight));
        return new CardBox(left, top, Math.Max(right - left, 1), Math.Max(bottom - top, 1));
    }
}

/// <summary>
/// The post-processing of PaddleOCR's DB text detector: the probability map cut at a threshold, each connected region
/// boxed by its minimum-area rectangle, kept when the mean probability inside is high enough, and grown by the
/// "unclip" distance (area × ratio / perimeter), since DB is trained on text regions shrunk by that much.
/// OpenCV would give the contours and rectangles (OpenCvSharp4 is served), but its Linux native library needs GTK,
/// which these machines lack; connected regions, a convex hull and rotating calipers are all this needs.
/// </summary>
internal static class TextRegions
{
    public const float BinaryThreshold = 0.3f;
    // PaddleOCR uses 0.6; a single character (性别 男) on a blurred photo scored 0.56–0.59 on the renders of seeds 1 and 2.
    public const double BoxScoreThreshold = 0.5;
    public const double UnclipRatio = 1.5;

    // PaddleOCR's limits: at most this many candidates, none with a side under 3 px (5 after unclipping).
    private const int MaxCandidates = 1000;
    private const double MinSide = 3;

    /// <summary>The text boxes in the map's pixels.</summary>
    public static List<RotatedBox> Find(ReadOnlySpan<float> probability, int width, int height)
    {
        var labels = new int[width * height];
        var boxes = new List<RotatedBox>();
        var stack = new Stack<int>();
        var region = new List<int>();
        var next = 0;
        for (var start = 0; start < labels.Length && next < MaxCandidates; start++)
        {
            if (labels[start] != 0 || probability[start] <= BinaryThreshold)
            {
                continue;
            }

            next++;
            region.Clear();
            labels[start] = next;
            stack.Push(start);
            while (stack.Count > 0)
            {
                var index = stack.Pop();
                region.Add(index);
                int x = index % width, y = index / width;
                for (var dy = -1; dy <= 1; dy++)
                {
                    for (var dx = -1; dx <= 1; dx++)
                    {
                        int nx = x + dx, ny = y + dy;
                        if (nx < 0 || ny < 0 || nx >= width || ny >= height)
                        {
                            continue;
                        }

                        var neighbour = (ny * width) + nx;
                        if (labels[neighbour] == 0 && probability[neighbour] > BinaryThreshold)
                        {
                            labels[neighbour] = next;
                            stack.Push(neighbour);
                        }
                    }
                }
            }

            if (region.Count < 4)
            {
                continue;
            }

            var box = MinimumAreaBox(Hull(region, width));
            if (Math.Min(box.Width, box.Height) < MinSide)
            {
                continue;
            }

            var score = MeanInside(probability, width, height, box);
            if (score < BoxScoreThreshold)
            {
                continue;
            }

            var distance = box.Width * box.Height * UnclipRatio / (2 * (box.Width + box.Height));
            var grown = box with { Width = box.Width + (2 * distance), Height = box.Height + (2 * distance) };
            if (Math.Min(grown.Width, grown.Height) < MinSide + 2)
            {
                continue;
            }

            boxes.Add(grown);
        }

        return boxes;
    }

    /// <summary>The convex hull (monotone chain) of the pixels' corners, counter-clockwise in image coordinates.</summary>
    internal static List<(double X, double Y)> Hull(IEnumerable<int> pixels, int width)
    {
        // Per row only the leftmost and rightmost pixel can be on the hull; their outer corners are the region's extent.
        var rows = new SortedDictionary<int, (int Min, int Max)>();
        foreach (var index in pixels)
        {
            int x = index % width, y = index / width;
            rows[y] = rows.TryGetValue(y, out var span) ? (Math.Min(span.Min, x), Math.Max(span.Max, x)) : (x, x);
        }

        var points = new List<(double X, double Y)>();
        foreach (var (y, (min, max)) in rows)
        {
            // Pixel centres, as OpenCV's contours use them.
            points.Add((min, y));
            if (max != min)
            {
                points.Add((max, y));
            }
        }

        points.Sort();
        if (points.Count < 3)
        {
            return points;
        }

        var hull = new List<(double X, double Y)>(points.Count * 2);
        foreach (var pass in new[] { points, Enumerable.Reverse(points).ToList() })
        {
            var start = hull.Count;
            foreach (var point in pass)
            {
                while (hull.Count >= start + 2 && Cross(hull[^2], hull[^1], point) <= 0)
                {
                    hull.RemoveAt(hull.Count - 1);
                }

                hull.Add(point);
            }

            hull.RemoveAt(hull.Count - 1);
        }

        return hull;
    }

    /// <summary>The smallest rectangle around the hull, which has one side on a hull edge (rotating calipers).</summary>
    internal static RotatedBox MinimumAreaBox(List<(double X, double Y)> hull)
    {
        if (hull.Count == 0)
        {
            return default;
        }

        var best = new RotatedBox(hull[0].X, hull[0].Y, 0, 0, 0);
        var bestArea = double.MaxValue;
        for (var i = 0; i < Math.Max(hull.Count, 1); i++)
        {
            var a = hull[i];
            var b = hull[(i + 1) % hull.Count];
            var angle = hull.Count == 1 ? 0 : Math.Atan2(b.Y - a.Y, b.X - a.X);
            var (sin, cos) = Math.SinCos(angle);
            double minU = double.MaxValue, maxU = double.MinValue, minV = double.MaxValue, maxV = double.MinValue;
            foreach (var (x, y) in hull)
            {
                var u = (x * cos) + (y * sin);
                var v = (-x * sin) + (y * cos);
                (minU, maxU, minV, maxV) = (Math.Min(minU, u), Math.Max(maxU, u), Math.Min(minV, v), Math.Max(maxV, v));
            }

            var area = (maxU - minU) * (maxV - minV);
            if (area < bestArea)
            {
                bestArea = area;
                var (cu, cv) = ((minU + maxU) / 2, (minV + maxV) / 2);
                best = new RotatedBox((cu * cos) - (cv * sin), (cu * sin) + (cv * cos), maxU - minU, maxV - minV, angle);
            }
        }

        return Level(best);
    }

    /// <summary>The same rectangle described with its width side the one nearest to level, as text lines read.</summary>
    internal static RotatedBox Level(RotatedBox box)
    {
        var angle = box.Angle;
        var (width, height) = (box.Width, box.Height);
        while (angle > Math.PI / 4)
        {
            angle -= Math.PI / 2;
            (width, height) = (height, width);
        }

        while (angle <= -Math.PI / 4)
        {
            angle += Math.PI / 2;
            (width, height) = (height, width);
        }

        return box with { Width = width, Height = height, Angle = angle };
    }

    private static double MeanInside(ReadOnlySpan<float> probability, int width, int height, RotatedBox box)
    {
        var bounds = box.Bounds(width, height);
        var (sin, cos) = Math.SinCos(box.Angle);
        double sum = 0;
        var count = 0;
        for (var y = bounds.Top; y < Math.Min(bounds.Bottom, height); y++)
        {
            for (var x = bounds.Left; x < Math.Min(bounds.Right, width); x++)
            {
                var dx = x - box.CenterX;
                var dy = y - box.CenterY;
                if (Math.Abs((dx * cos) + (dy * sin)) <= (box.Width / 2) + 0.5 && Math.Abs((-dx * sin) + (dy * cos)) <= (box.Height / 2) + 0.5)
                {
                    sum += probability[(y * width) + x];
                    count++;
                }
            }
        }

        return count == 0 ? 0 : sum / count;
    }

    private static double Cross((double X, double Y) o, (double X, double Y) a, (double X, double Y) b) =>
        ((a.X - o.X) * (b.Y - o.Y)) - ((a.Y - o.Y) * (b.X - o.X));
}
