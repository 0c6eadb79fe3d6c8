using System.Globalization;

namespace Shiming.BaiduEmulator;

/// <summary>
/// What a phone photo does to a card, applied in this order: the card laid on a grey surface and turned by
/// <paramref name="RotationDegrees"/>, a Gaussian blur of <paramref name="BlurSigma"/> px, the picture scaled by
/// <paramref name="Scale"/>, and Gaussian noise of <paramref name="NoiseSigma"/> grey levels.
/// </summary>
/// <param name="RotationDegrees">Clockwise turn; zero keeps the card level.</param>
/// <param name="BlurSigma">Standard deviation of the blur, in pixels of the full-size card; zero for none.</param>
/// <param name="Scale">Final size relative to the 856×540 card (and its margin); one keeps it.</param>
/// <param name="NoiseSigma">Standard deviation of the noise; zero for none.</param>
/// <param name="Seed">Seeds the noise, so a degradation always gives the same picture.</param>
public sealed record CardDegradation(double RotationDegrees, double BlurSigma, double Scale, double NoiseSigma, int Seed = 0)
{
    /// <summary>Surface around the card, in pixels of the full-size card, so a turned card keeps its corners.</summary>
    public const int Margin = 32;

    private static readonly Rgb Surface = new(168, 166, 160);

    /// <summary>
    /// A degradation drawn from the ranges the README's measurement uses: a turn of up to ±3°, blur σ 0.5–1.2 px,
    /// 65–90 % of the size, noise σ 3–10.
    /// </summary>
    public static CardDegradation Random(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return new CardDegradation(
            RotationDegrees: Math.Round((random.NextDouble() * 6) - 3, 2),
            BlurSigma: Math.Round(0.5 + (random.NextDouble() * 0.7), 2),
            Scale: Math.Round(0.65 + (random.NextDouble() * 0.25), 2),
            NoiseSigma: Math.Round(3 + (random.NextDouble() * 7), 1),
            Seed: random.Next());
    }

    /// <summary>A short description for measurement output, such as <c>turn 1.2°, blur 0.8, scale 0.75, noise 6</c>.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"turn {RotationDegrees}°, blur {BlurSigma}, scale {Scale}, noise {NoiseSigma}");

    internal Canvas Apply(Canvas card)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(BlurSigma);
        ArgumentOutOfRangeException.ThrowIfNegative(NoiseSigma);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Scale);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Scale, 1);
        var picture = Turn(card, RotationDegrees);
        if (BlurSigma > 0)
        {
            picture = Blur(picture, BlurSigma);
        }

        if (Scale < 1)
        {
            picture = Shrink(picture, Scale);
        }

        if (NoiseSigma > 0)
        {
            AddNoise(picture, NoiseSigma, new Random(Seed));
        }

        return picture;
    }

    /// <summary>The card on the surface, turned about its centre with bilinear sampling.</summary>
    private static Canvas Turn(Canvas card, double degrees)
    {
        var result = new Canvas(card.Width + (2 * Margin), card.Height + (2 * Margin), Surface);
        var radians = degrees * Math.PI / 180;
        var (sin, cos) = Math.SinCos(radians);
        var centerX = (result.Width - 1) / 2.0;
        var centerY = (result.Height - 1) / 2.0;
        Span<double> sample = stackalloc double[3];
        for (var y = 0; y < result.Height; y++)
        {
            for (var x = 0; x < result.Width; x++)
            {
                // Where this output pixel comes from on the card: the inverse turn.
                var dx = x - centerX;
                var dy = y - centerY;
                var sourceX = (cos * dx) + (sin * dy) + centerX - Margin;
                var sourceY = (-sin * dx) + (cos * dy) + centerY - Margin;
                if (sourceX < -1 || sourceY < -1 || sourceX > card.Width || sourceY > card.Height)
                {
                    continue;
                }

                var x0 = (int)Math.Floor(sourceX);
                var y0 = (int)Math.Floor(sourceY);
                var fx = sourceX - x0;
                var fy = sourceY - y0;
                sample.Clear();
                Accumulate(card, result, x, y, x0, y0, (1 - fx) * (1 - fy), sample);
                Accumulate(card, result, x, y, x0 + 1, y0, fx * (1 - fy), sample);
                Accumulate(card, result, x, y, x0, y0 + 1, (1 - fx) * fy, sample);
                Accumulate(card, result, x, y, x0 + 1, y0 + 1, fx * fy, sample);
                result.Set(x, y, new Rgb(ToByte(sample[0]), ToByte(sample[1]), ToByte(sample[2])));
            }
        }

        return result;
    }

    // Outside the card the surface shows, so the card's edge is smooth too.
    private static void Accumulate(Canvas card, Canvas result, int x, int y, int sourceX, int sourceY, double weight, Span<double> sample)
    {
        var pixel = sourceX >= 0 && sourceY >= 0 && sourceX < card.Width && sourceY < card.Height ? card[sourceX, sourceY] : result[x, y];
        sample[0] += pixel.R * weight;
        sample[1] += pixel.G * weight;
        sample[2] += pixel.B * weight;
    }

    /// <summary>A separable Gaussian blur, edges clamped.</summary>
    private static Canvas Blur(Canvas picture, double sigma)
    {
        var radius = (int)Math.Ceiling(3 * sigma);
        var kernel = new double[(2 * radius) + 1];
        for (var i = -radius; i <= radius; i++)
        {
            kernel[i + radius] = Math.Exp(-(i * i) / (2 * sigma * sigma));
        }

        var total = kernel.Sum();
        for (var i = 0; i < kernel.Length; i++)
        {
            kernel[i] /= total;
        }

        var across = Convolve(picture, kernel, horizontal: true);
        return Convolve(across, kernel, horizontal: false);
    }

    private static Canvas Convolve(Canvas picture, double[] kernel, bool horizontal)
    {
        var radius = kernel.Length / 2;
        var result = new Canvas(picture.Width, picture.Height, default);
        for (var y = 0; y < picture.Height; y++)
        {
            for (var x = 0; x < picture.Width; x++)
            {
                double r = 0, g = 0, b = 0;
                for (var k = -radius; k <= radius; k++)
                {
                    var pixel = horizontal
                        ? picture[Math.Clamp(x + k, 0, picture.Width - 1), y]
                        : picture[x, Math.Clamp(y + k, 0, picture.Height - 1)];
                    var weight = kernel[k + radius];
                    r += pixel.R * weight;
                    g += pixel.G * weight;
                    b += pixel.B * weight;
                }

                result.Set(x, y, new Rgb(ToByte(r), ToByte(g), ToByte(b)));
            }
        }

        return result;
    }

    /// <summary>Area-averaging downscale: each output pixel is the mean of the input it covers.</summary>
    private static Canvas Shrink(Canvas picture, double scale)
    {
        var width = Math.Max(1, (int)Math.Round(picture.Width * scale));
        var height = Math.Max(1, (int)Math.Round(picture.Height * scale));
        var result = new Canvas(width, height, default);
        var stepX = (double)picture.Width / width;
        var stepY = (double)picture.Height / height;
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                double r = 0, g = 0, b = 0, area = 0;
                var left = x * stepX;
                var top = y * stepY;
                for (var sy = (int)top; sy < Math.Min(picture.Height, (int)Math.Ceiling(top + stepY)); sy++)
                {
                    var coverY = Math.Min(sy + 1, top + stepY) - Math.Max(sy, top);
                    for (var sx = (int)left; sx < Math.Min(picture.Width, (int)Math.Ceiling(left + stepX)); sx++)
                    {
                        var weight = coverY * (Math.Min(sx + 1, left + stepX) - Math.Max(sx, left));
                        var pixel = picture[sx, sy];
                        r += pixel.R * weight;
                        g += pixel.G * weight;
                        b += pixel.B * weight;
                        area += weight;
                    }
                }

                result.Set(x, y, new Rgb(ToByte(r / area), ToByte(g / area), ToByte(b / area)));
            }
        }

        return result;
    }

    /// <summary>Sensor noise: one Gaussian draw per pixel, the same on all three channels.</summary>
    private static void AddNoise(Canvas picture, double sigma, Random random)
    {
        for (var y = 0; y < picture.Height; y++)
        {
            for (var x = 0; x < picture.Width; x++)
            {
                // Box-Muller; 1 - NextDouble() keeps the logarithm's argument above zero.
                var noise = sigma * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                var pixel = picture[x, y];
                picture.Set(x, y, new Rgb(ToByte(pixel.R + noise), ToByte(pixel.G + noise), ToByte(pixel.B + noise)));
            }
        }
    }

    private static byte ToByte(double value) => (byte)Math.Clamp(Math.Round(value), 0, 255);
}
