using System.Globalization;
using SkiaSharp;

namespace Shiming.BaiduEmulator;

/// <summary>
/// What a phone photo does to a card, applied in this order: the card laid on a surface that is not a flat grey
/// (<paramref name="Seed"/> draws its colours and grain), seen at an angle (<paramref name="TiltHorizontal"/>,
/// <paramref name="TiltVertical"/>) and turned by
/// <paramref name="RotationDegrees"/>, lit unevenly (<paramref name="Shading"/>), blurred (<paramref name="BlurSigma"/>),
/// scaled (<paramref name="Scale"/>), given sensor noise (<paramref name="NoiseSigma"/>) and saved as a JPEG at
/// <paramref name="JpegQuality"/> (a PNG when null).
/// </summary>
/// <param name="RotationDegrees">Clockwise turn; zero keeps the card level.</param>
/// <param name="BlurSigma">Standard deviation of the blur, in pixels of the full-size card; zero for none.</param>
/// <param name="Scale">Final size relative to the 856×540 card (and its margin); one keeps it.</param>
/// <param name="NoiseSigma">Standard deviation of the noise; zero for none.</param>
/// <param name="Seed">Seeds the surface, the light and the noise, so a degradation always gives the same picture.</param>
/// <param name="TiltHorizontal">
/// The card not square to the camera, turned about its upright axis: the right edge's share of shortening (negative:
/// the left edge's); 0.1 moves each corner of that edge by 2.5 % of the card's height; zero for none.
/// </param>
/// <param name="TiltVertical">The same about the card's level axis: the bottom edge's share of shortening.</param>
/// <param name="Shading">How much darker the far side of the card is than the lit spot (0–1); zero for even light.</param>
/// <param name="JpegQuality">The JPEG quality the picture is saved at, as a phone's camera or a chat app saves it; null for PNG.</param>
/// <param name="TexturedSurface">Whether the surface has colour gradients and grain instead of a flat grey.</param>
public sealed record CardDegradation(
    double RotationDegrees,
    double BlurSigma,
    double Scale,
    double NoiseSigma,
    int Seed = 0,
    double TiltHorizontal = 0,
    double TiltVertical = 0,
    double Shading = 0,
    int? JpegQuality = null,
    bool TexturedSurface = false)
{
    /// <summary>Surface around the card, in pixels of the full-size card, so a turned card keeps its corners.</summary>
    public const int Margin = 32;

    private static readonly SKColor Surface = new(168, 166, 160);

    /// <summary>
    /// A degradation drawn from the ranges docs/baidu-emulator.md describes: a turn of up to ±3°, tilt up to ±0.08
    /// either way, shading 0.1–0.45, blur σ 0.5–1.2 px, 65–90 % of the size, noise σ 3–10, JPEG quality 55–90,
    /// on a textured surface.
    /// </summary>
    public static CardDegradation Random(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return new CardDegradation(
            RotationDegrees: Math.Round((random.NextDouble() * 6) - 3, 2),
            BlurSigma: Math.Round(0.5 + (random.NextDouble() * 0.7), 2),
            Scale: Math.Round(0.65 + (random.NextDouble() * 0.25), 2),
            NoiseSigma: Math.Round(3 + (random.NextDouble() * 7), 1),
            Seed: random.Next(),
            TiltHorizontal: Math.Round((random.NextDouble() * 0.16) - 0.08, 3),
            TiltVertical: Math.Round((random.NextDouble() * 0.16) - 0.08, 3),
            Shading: Math.Round(0.1 + (random.NextDouble() * 0.35), 2),
            JpegQuality: 55 + random.Next(36),
            TexturedSurface: true);
    }

    /// <summary>A short description for measurement output, such as <c>turn 1.2°, tilt 0.05/-0.02, …</c>.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"turn {RotationDegrees}°, tilt {TiltHorizontal}/{TiltVertical}, shading {Shading}, blur {BlurSigma}, scale {Scale}, noise {NoiseSigma}, {(JpegQuality is { } q ? $"JPEG {q}" : "PNG")}");

    /// <summary>The degraded picture of <paramref name="card"/>, encoded (JPEG or PNG as <see cref="JpegQuality"/> says).</summary>
    internal byte[] Apply(SKBitmap card)
    {
        ArgumentNullException.ThrowIfNull(card);
        ArgumentOutOfRangeException.ThrowIfNegative(BlurSigma);
        ArgumentOutOfRangeException.ThrowIfNegative(NoiseSigma);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Scale);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Scale, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(Shading);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Shading, 1);
        var random = new Random(Seed);
        var width = card.Width + (2 * Margin);
        var height = card.Height + (2 * Margin);
        using var photo = Pictures.NewBitmap(width, height);
        using (var canvas = new SKCanvas(photo))
        {
            DrawSurface(canvas, width, height, random);
            canvas.Save();
            canvas.SetMatrix(Placement(card.Width, card.Height));

            // The card's rounded corners show the surface, not the white a clean render has there.
            canvas.ClipRoundRect(new SKRoundRect(new SKRect(0, 0, card.Width, card.Height), CardLayout.CornerRadius), antialias: true);
            using (var blur = BlurSigma > 0 ? new SKPaint { ImageFilter = SKImageFilter.CreateBlur((float)BlurSigma, (float)BlurSigma) } : new SKPaint())
            {
                // The card's own edge is blurred with it; the surface is out of focus anyway.
                canvas.DrawImage(SKImage.FromBitmap(card), 0, 0, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None), blur);
            }

            canvas.Restore();
            DrawLight(canvas, width, height, random);
        }

        var scaledWidth = Math.Max(1, (int)Math.Round(width * Scale));
        var scaledHeight = Math.Max(1, (int)Math.Round(height * Scale));
        using var scaled = Pictures.NewBitmap(scaledWidth, scaledHeight);
        using (var canvas = new SKCanvas(scaled))
        using (var image = SKImage.FromBitmap(photo))
        {
            canvas.DrawImage(image, new SKRect(0, 0, scaledWidth, scaledHeight), new SKSamplingOptions(SKCubicResampler.Mitchell));
        }

        if (NoiseSigma > 0)
        {
            AddNoise(scaled, NoiseSigma, random);
        }

        return JpegQuality is { } quality ? Pictures.EncodeJpeg(scaled, quality) : Pictures.EncodePng(scaled);
    }

    /// <summary>
    /// Where the card lands on the surface: its corners moved for the tilt (a homography), then the whole turned about
    /// the picture's centre.
    /// </summary>
    private SKMatrix Placement(int cardWidth, int cardHeight)
    {
        var (h, v) = (TiltHorizontal, TiltVertical);
        float w = cardWidth, ht = cardHeight;

        // A positive horizontal tilt takes the right edge away from the camera, a positive vertical one the bottom edge.
        var dy = (float)(h * ht / 4);
        var dx = (float)(v * w / 4);
        SKPoint[] corners =
        [
            new(Margin - dx, Margin - dy),
            new(Margin + w + dx, Margin + dy),
            new(Margin + w - dx, Margin + ht - dy),
            new(Margin + dx, Margin + ht + dy),
        ];
        var tilt = Homography.Map([new(0, 0), new(w, 0), new(w, ht), new(0, ht)], corners);
        var turn = SKMatrix.CreateRotationDegrees((float)RotationDegrees, Margin + (w / 2), Margin + (ht / 2));
        return turn.PreConcat(tilt);
    }

    private void DrawSurface(SKCanvas canvas, int width, int height, Random random)
    {
        if (!TexturedSurface)
        {
            canvas.Clear(Surface);
            return;
        }

        // A desk or a sheet: two tones in a gradient across, with streaks of grain.
        var first = RandomTone(random);
        var second = RandomTone(random);
        using (var gradient = new SKPaint
        {
            Shader = SKShader.CreateLinearGradient(
                new SKPoint(0, (float)(random.NextDouble() * height)),
                new SKPoint(width, (float)(random.NextDouble() * height)),
                [first, second],
                SKShaderTileMode.Clamp),
        })
        {
            canvas.DrawRect(0, 0, width, height, gradient);
        }

        using var grain = new SKPaint { IsAntialias = true, StrokeWidth = 1.5f, Style = SKPaintStyle.Stroke };
        for (var i = 0; i < 60; i++)
        {
            var shade = (byte)random.Next(40, 220);
            grain.Color = new SKColor(shade, shade, shade, (byte)random.Next(20, 70));
            var y = (float)(random.NextDouble() * height);
            canvas.DrawLine(0, y, width, y + (float)((random.NextDouble() - 0.5) * 40), grain);
        }
    }

    private static SKColor RandomTone(Random random)
    {
        var baseShade = random.Next(70, 210);
        return new SKColor(
            (byte)Math.Clamp(baseShade + random.Next(-10, 40), 0, 255),
            (byte)Math.Clamp(baseShade + random.Next(-15, 20), 0, 255),
            (byte)Math.Clamp(baseShade + random.Next(-30, 10), 0, 255));
    }

    /// <summary>A lamp or a window to one side: darker away from a lit spot, which may also glare a little.</summary>
    private void DrawLight(SKCanvas canvas, int width, int height, Random random)
    {
        if (Shading <= 0)
        {
            return;
        }

        var spot = new SKPoint((float)(random.NextDouble() * width), (float)(random.NextDouble() * height));
        var reach = (float)Math.Sqrt((width * width) + (height * height));
        using var shade = new SKPaint
        {
            Shader = SKShader.CreateRadialGradient(
                spot,
                reach,
                [SKColors.Transparent, new SKColor(0, 0, 0, (byte)Math.Round(255 * Shading))],
                SKShaderTileMode.Clamp),
        };
        canvas.DrawRect(0, 0, width, height, shade);

        using var glare = new SKPaint
        {
            Shader = SKShader.CreateRadialGradient(
                spot,
                reach / 5,
                [new SKColor(255, 255, 255, (byte)Math.Round(90 * Shading)), SKColors.Transparent],
                SKShaderTileMode.Clamp),
        };
        canvas.DrawRect(0, 0, width, height, glare);
    }

    /// <summary>Sensor noise: one Gaussian draw per pixel, the same on all three channels.</summary>
    private static void AddNoise(SKBitmap picture, double sigma, Random random)
    {
        var pixels = picture.GetPixelSpan();
        for (var offset = 0; offset + 3 < pixels.Length; offset += 4)
        {
            // Box-Muller; 1 - NextDouble() keeps the logarithm's argument above zero.
            var noise = sigma * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            for (var channel = 0; channel < 3; channel++)
            {
                pixels[offset + channel] = (byte)Math.Clamp(Math.Round(pixels[offset + channel] + noise), 0, 255);
            }
        }
    }
}

/// <summary>The projective transform that takes four points to four others, for the tilted card.</summary>
internal static class Homography
{
    public static SKMatrix Map(ReadOnlySpan<SKPoint> from, ReadOnlySpan<SKPoint> to)
    {
        // Eight unknowns (the matrix with its last entry 1), two equations per point pair, solved by elimination.
        var a = new double[8, 9];
        for (var i = 0; i < 4; i++)
        {
            double x = from[i].X, y = from[i].Y, u = to[i].X, v = to[i].Y;
            double[] rowU = [x, y, 1, 0, 0, 0, -u * x, -u * y, u];
            double[] rowV = [0, 0, 0, x, y, 1, -v * x, -v * y, v];
            for (var j = 0; j < 9; j++)
            {
                a[2 * i, j] = rowU[j];
                a[(2 * i) + 1, j] = rowV[j];
            }
        }

        for (var column = 0; column < 8; column++)
        {
            var pivot = column;
            for (var row = column + 1; row < 8; row++)
            {
                if (Math.Abs(a[row, column]) > Math.Abs(a[pivot, column]))
                {
                    pivot = row;
                }
            }

            for (var j = 0; j < 9; j++)
            {
                (a[column, j], a[pivot, j]) = (a[pivot, j], a[column, j]);
            }

            for (var row = 0; row < 8; row++)
            {
                if (row == column)
                {
                    continue;
                }

                var factor = a[row, column] / a[column, column];
                for (var j = column; j < 9; j++)
                {
                    a[row, j] -= factor * a[column, j];
                }
            }
        }

        var h = new float[8];
        for (var i = 0; i < 8; i++)
        {
            h[i] = (float)(a[i, 8] / a[i, i]);
        }

        return new SKMatrix(h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], 1);
    }
}
