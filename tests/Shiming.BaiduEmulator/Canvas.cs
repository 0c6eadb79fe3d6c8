namespace Shiming.BaiduEmulator;

internal readonly record struct Rgb(byte R, byte G, byte B);

/// <summary>An RGB raster with the few shapes a synthetic card needs. Shapes are clipped to the canvas.</summary>
internal sealed class Canvas
{
    public Canvas(int width, int height, Rgb fill)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        Width = width;
        Height = height;
        Pixels = new byte[checked(width * height * 3)];
        FillRectangle(0, 0, width, height, fill);
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Rows top to bottom, three bytes per pixel.</summary>
    public byte[] Pixels { get; }

    public Rgb this[int x, int y]
    {
        get
        {
            var offset = ((y * Width) + x) * 3;
            return new Rgb(Pixels[offset], Pixels[offset + 1], Pixels[offset + 2]);
        }
    }

    public void FillRectangle(int left, int top, int width, int height, Rgb color)
    {
        var x0 = Math.Max(left, 0);
        var y0 = Math.Max(top, 0);
        var x1 = Math.Min(left + width, Width);
        var y1 = Math.Min(top + height, Height);
        for (var y = y0; y < y1; y++)
        {
            for (var x = x0; x < x1; x++)
            {
                Set(x, y, color);
            }
        }
    }

    public void FillRectangle(CardBox box, Rgb color) => FillRectangle(box.Left, box.Top, box.Width, box.Height, color);

    public void StrokeRectangle(CardBox box, int thickness, Rgb color)
    {
        FillRectangle(box.Left, box.Top, box.Width, thickness, color);
        FillRectangle(box.Left, box.Bottom - thickness, box.Width, thickness, color);
        FillRectangle(box.Left, box.Top, thickness, box.Height, color);
        FillRectangle(box.Right - thickness, box.Top, thickness, box.Height, color);
    }

    public void FillCircle(int centerX, int centerY, int radius, Rgb color)
    {
        var squared = radius * radius;
        for (var y = Math.Max(centerY - radius, 0); y <= Math.Min(centerY + radius, Height - 1); y++)
        {
            for (var x = Math.Max(centerX - radius, 0); x <= Math.Min(centerX + radius, Width - 1); x++)
            {
                var dx = x - centerX;
                var dy = y - centerY;
                if ((dx * dx) + (dy * dy) <= squared)
                {
                    Set(x, y, color);
                }
            }
        }
    }

    /// <summary>Paints everything outside a rounded rectangle that covers the canvas, as the cut corners of a card.</summary>
    public void ClipCorners(int radius, Rgb outside)
    {
        for (var y = 0; y < Math.Min(radius, Height); y++)
        {
            for (var x = 0; x < Math.Min(radius, Width); x++)
            {
                var dx = radius - x;
                var dy = radius - y;
                if ((dx * dx) + (dy * dy) > radius * radius)
                {
                    Set(x, y, outside);
                    Set(Width - 1 - x, y, outside);
                    Set(x, Height - 1 - y, outside);
                    Set(Width - 1 - x, Height - 1 - y, outside);
                }
            }
        }
    }

    /// <summary>Mixes <paramref name="color"/> into the pixel by <paramref name="coverage"/> (0 none … 255 all), for anti-aliased glyphs.</summary>
    public void Blend(int x, int y, Rgb color, byte coverage)
    {
        if (coverage == 0 || x < 0 || y < 0 || x >= Width || y >= Height)
        {
            return;
        }

        var offset = ((y * Width) + x) * 3;
        Pixels[offset] = Mix(Pixels[offset], color.R, coverage);
        Pixels[offset + 1] = Mix(Pixels[offset + 1], color.G, coverage);
        Pixels[offset + 2] = Mix(Pixels[offset + 2], color.B, coverage);
    }

    private static byte Mix(byte under, byte over, byte coverage) => (byte)(((under * (255 - coverage)) + (over * coverage) + 127) / 255);

    public void Set(int x, int y, Rgb color)
    {
        var offset = ((y * Width) + x) * 3;
        Pixels[offset] = color.R;
        Pixels[offset + 1] = color.G;
        Pixels[offset + 2] = color.B;
    }
}
