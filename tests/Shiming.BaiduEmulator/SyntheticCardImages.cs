namespace Shiming.BaiduEmulator;

/// <summary>
/// Card-like pictures that carry their ground truth (see <see cref="CardGroundTruth"/>). No text is drawn: dark bars
/// stand where the printed lines would be, in the boxes the emulator reports as locations.
/// </summary>
public static class SyntheticCardImages
{
    internal static readonly Rgb Outside = new(255, 255, 255);
    private static readonly Rgb CardBackground = new(234, 241, 243);
    private static readonly Rgb Border = new(112, 134, 152);
    internal static readonly Rgb Label = new(84, 126, 170);
    internal static readonly Rgb Text = new(34, 34, 38);
    private static readonly Rgb PhotoBackground = new(208, 214, 220);
    private static readonly Rgb Silhouette = new(120, 128, 138);
    private static readonly Rgb EmblemRed = new(200, 36, 40);
    private static readonly Rgb EmblemGold = new(232, 190, 72);
    private static readonly Rgb TitleRed = new(150, 40, 44);

    /// <summary>A PNG of the portrait side with the person as ground truth.</summary>
    public static byte[] RenderFront(SyntheticPerson person, string? imageStatus = null, string? riskType = null) =>
        Render(CardGroundTruth.ForFront(person, imageStatus, riskType));

    /// <summary>A PNG of the emblem side with the back as ground truth.</summary>
    public static byte[] RenderBack(SyntheticCardBack back, string? imageStatus = null) =>
        Render(CardGroundTruth.ForBack(back, imageStatus));

    /// <summary>A PNG of either side with any ground truth, for cards the records cannot express (missing or odd fields).</summary>
    public static byte[] Render(CardGroundTruth groundTruth)
    {
        ArgumentNullException.ThrowIfNull(groundTruth);
        return PngEncoder.Encode(DrawCard(groundTruth), [new(CardGroundTruth.PngKeyword, groundTruth.ToJson())]);
    }

    /// <summary>A baseline JPEG of the portrait side, its ground truth in a COM segment. Greyscale and blocky (8×8 px).</summary>
    public static byte[] RenderFrontJpeg(SyntheticPerson person) => RenderJpeg(CardGroundTruth.ForFront(person));

    /// <summary>A baseline JPEG of either side with any ground truth.</summary>
    public static byte[] RenderJpeg(CardGroundTruth groundTruth)
    {
        ArgumentNullException.ThrowIfNull(groundTruth);
        return JpegEncoder.Encode(DrawCard(groundTruth), CardGroundTruth.JpegCommentPrefix + groundTruth.ToJson());
    }

    /// <summary>A valid PNG with no ground truth, which the emulator answers as a photo that is not an ID card.</summary>
    public static byte[] RenderPlainPicture(int width = 640, int height = 480)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        var canvas = new Canvas(width, height, new Rgb(96, 160, 72));
        var horizon = height * 3 / 5;
        for (var y = 0; y < horizon; y++)
        {
            var shade = (byte)(150 + (80 * y / Math.Max(horizon, 1)));
            canvas.FillRectangle(0, y, width, 1, new Rgb((byte)(shade - 60), (byte)(shade - 20), 250));
        }

        canvas.FillCircle(width * 3 / 4, height / 5, Math.Max(Math.Min(width, height) / 10, 1), new Rgb(250, 220, 90));
        return PngEncoder.Encode(canvas, []);
    }

    private static Canvas DrawCard(CardGroundTruth groundTruth)
    {
        var canvas = DrawFace(groundTruth.Side, labelsAsBars: true);
        foreach (var (field, words) in groundTruth.Fields)
        {
            if (field == IdCardFields.Address)
            {
                foreach (var line in CardLayout.AddressLines(words))
                {
                    canvas.FillRectangle(line, Text);
                }
            }
            else if (CardLayout.FieldBox(field, words) is { } box)
            {
                canvas.FillRectangle(box, Text);
            }
        }

        canvas.ClipCorners(CardLayout.CornerRadius, Outside);
        return canvas;
    }

    /// <summary>A side without its values: background, border, photo or emblem, and the labels as bars when asked.</summary>
    internal static Canvas DrawFace(string side, bool labelsAsBars)
    {
        var canvas = new Canvas(CardLayout.Width, CardLayout.Height, CardBackground);
        canvas.StrokeRectangle(new CardBox(0, 0, CardLayout.Width, CardLayout.Height), CardLayout.BorderWidth, Border);
        if (side == IdCardFields.Back)
        {
            DrawBack(canvas, labelsAsBars);
        }
        else
        {
            DrawFront(canvas, labelsAsBars);
        }

        return canvas;
    }

    private static void DrawFront(Canvas canvas, bool labelsAsBars)
    {
        if (labelsAsBars)
        {
            foreach (var label in CardLayout.FrontLabels)
            {
                canvas.FillRectangle(label, Label);
            }
        }

        var photo = CardLayout.Photo;
        canvas.FillRectangle(photo, PhotoBackground);
        canvas.StrokeRectangle(photo, 2, Border);
        var centerX = photo.Left + (photo.Width / 2);
        canvas.FillCircle(centerX, photo.Top + 105, 52, Silhouette);
        canvas.FillRectangle(centerX - 85, photo.Top + 175, 170, photo.Height - 177, Silhouette);
    }

    private static void DrawBack(Canvas canvas, bool labelsAsBars)
    {
        var (x, y, radius) = CardLayout.Emblem;
        canvas.FillCircle(x, y, radius, EmblemRed);
        canvas.FillCircle(x, y, radius * 3 / 4, EmblemGold);
        canvas.FillCircle(x, y, radius / 2, EmblemRed);
        foreach (var title in CardLayout.BackTitles)
        {
            canvas.FillRectangle(title, TitleRed);
        }

        if (labelsAsBars)
        {
            foreach (var label in CardLayout.BackLabels)
            {
                canvas.FillRectangle(label, Label);
            }

            canvas.FillRectangle(CardLayout.ValidityDash, Text);
        }
    }
}
