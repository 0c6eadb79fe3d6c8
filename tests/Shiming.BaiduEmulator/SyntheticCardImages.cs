using SkiaSharp;

namespace Shiming.BaiduEmulator;

/// <summary>
/// Card-like pictures that carry their ground truth (see <see cref="CardGroundTruth"/>). No text is drawn: dark bars
/// stand where the printed lines would be, in the boxes the emulator reports as locations.
/// </summary>
public static class SyntheticCardImages
{
    internal static readonly SKColor Outside = new(255, 255, 255);
    private static readonly SKColor CardBackground = new(234, 241, 243);
    private static readonly SKColor Border = new(112, 134, 152);
    internal static readonly SKColor Label = new(84, 126, 170);
    internal static readonly SKColor Text = new(34, 34, 38);
    private static readonly SKColor PhotoBackground = new(208, 214, 220);
    private static readonly SKColor Silhouette = new(120, 128, 138);
    private static readonly SKColor EmblemRed = new(200, 36, 40);
    private static readonly SKColor EmblemGold = new(232, 190, 72);
    private static readonly SKColor TitleRed = new(150, 40, 44);

    /// <summary>A PNG of the portrait side with the person as ground truth.</summary>
    public static byte[] RenderFront(SyntheticPerson person, string? imageStatus = null, string? riskType = null) =>
        Render(CardGroundTruth.ForFront(person, imageStatus, riskType));

    /// <summary>
    /// A PNG of the portrait side whose holder the emulator's identity checks answer for as <paramref name="authority"/>
    /// says, once its ID-card API has read the card; with <paramref name="back"/>, the card's validity dates too.
    /// </summary>
    public static byte[] RenderFront(SyntheticPerson person, AuthorityOutcome authority, SyntheticCardBack? back = null) =>
        Render(CardGroundTruth.ForFront(person) with { Authority = CardAuthority.For(authority, back) });

    /// <summary>A PNG of the emblem side with the back as ground truth.</summary>
    public static byte[] RenderBack(SyntheticCardBack back, string? imageStatus = null) =>
        Render(CardGroundTruth.ForBack(back, imageStatus));

    /// <summary>A PNG of either side with any ground truth, for cards the records cannot express (missing or odd fields).</summary>
    public static byte[] Render(CardGroundTruth groundTruth)
    {
        ArgumentNullException.ThrowIfNull(groundTruth);
        using var card = DrawCard(groundTruth);
        return Pictures.EncodePng(card.Bitmap, (CardGroundTruth.PngKeyword, groundTruth.ToJson()));
    }

    /// <summary>A baseline JPEG of the portrait side, its ground truth in a COM segment.</summary>
    public static byte[] RenderFrontJpeg(SyntheticPerson person) => RenderJpeg(CardGroundTruth.ForFront(person));

    /// <summary>A baseline JPEG of either side with any ground truth.</summary>
    public static byte[] RenderJpeg(CardGroundTruth groundTruth)
    {
        ArgumentNullException.ThrowIfNull(groundTruth);
        using var card = DrawCard(groundTruth);
        return Pictures.EncodeJpeg(card.Bitmap, 90, CardGroundTruth.JpegCommentPrefix + groundTruth.ToJson());
    }

    /// <summary>A valid PNG with no ground truth, which the emulator answers as a photo that is not an ID card.</summary>
    public static byte[] RenderPlainPicture(int width = 640, int height = 480)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        using var bitmap = Pictures.NewBitmap(width, height);
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(new SKColor(96, 160, 72));
        var horizon = height * 3 / 5;
        for (var y = 0; y < horizon; y++)
        {
            var shade = (byte)(150 + (80 * y / Math.Max(horizon, 1)));
            Fill(canvas, new CardBox(0, y, width, 1), new SKColor((byte)(shade - 60), (byte)(shade - 20), 250));
        }

        Circle(canvas, width * 3 / 4, height / 5, Math.Max(Math.Min(width, height) / 10, 1), new SKColor(250, 220, 90));
        return Pictures.EncodePng(bitmap);
    }

    private static CardSurface DrawCard(CardGroundTruth groundTruth)
    {
        var card = DrawFace(groundTruth.Side, labelsAsBars: true);
        var canvas = card.Canvas;
        foreach (var (field, words) in groundTruth.Fields)
        {
            if (field == IdCardFields.Address)
            {
                foreach (var line in CardLayout.AddressLines(words))
                {
                    Fill(canvas, line, Text);
                }
            }
            else if (CardLayout.FieldBox(field, words) is { } box)
            {
                Fill(canvas, box, Text);
            }
        }

        return card;
    }

    /// <summary>
    /// A side without its values: background, border, photo or emblem, and the labels as bars when asked. The canvas
    /// stays clipped to the card's rounded corners, so whatever is drawn next stays on the card.
    /// </summary>
    internal static CardSurface DrawFace(string side, bool labelsAsBars)
    {
        var card = new CardSurface(CardLayout.Width, CardLayout.Height);
        var canvas = card.Canvas;
        canvas.Clear(Outside);
        canvas.ClipRoundRect(new SKRoundRect(new SKRect(0, 0, CardLayout.Width, CardLayout.Height), CardLayout.CornerRadius), antialias: true);
        canvas.Clear(CardBackground);
        Stroke(canvas, new CardBox(0, 0, CardLayout.Width, CardLayout.Height), CardLayout.BorderWidth, Border);
        if (side == IdCardFields.Back)
        {
            DrawBack(canvas, labelsAsBars);
        }
        else
        {
            DrawFront(canvas, labelsAsBars);
        }

        return card;
    }

    private static void DrawFront(SKCanvas canvas, bool labelsAsBars)
    {
        if (labelsAsBars)
        {
            foreach (var label in CardLayout.FrontLabels)
            {
                Fill(canvas, label, Label);
            }
        }

        var photo = CardLayout.Photo;
        Fill(canvas, photo, PhotoBackground);
        Stroke(canvas, photo, 2, Border);
        var centerX = photo.Left + (photo.Width / 2);
        Circle(canvas, centerX, photo.Top + 105, 52, Silhouette);
        Fill(canvas, new CardBox(centerX - 85, photo.Top + 175, 170, photo.Height - 177), Silhouette);
    }

    private static void DrawBack(SKCanvas canvas, bool labelsAsBars)
    {
        var (x, y, radius) = CardLayout.Emblem;
        Circle(canvas, x, y, radius, EmblemRed);
        Circle(canvas, x, y, radius * 3 / 4, EmblemGold);
        Circle(canvas, x, y, radius / 2, EmblemRed);
        foreach (var title in CardLayout.BackTitles)
        {
            Fill(canvas, title, TitleRed);
        }

        if (labelsAsBars)
        {
            foreach (var label in CardLayout.BackLabels)
            {
                Fill(canvas, label, Label);
            }

            Fill(canvas, CardLayout.ValidityDash, Text);
        }
    }

    private static void Fill(SKCanvas canvas, CardBox box, SKColor color)
    {
        using var paint = new SKPaint { Color = color, IsAntialias = false };
        canvas.DrawRect(box.Left, box.Top, box.Width, box.Height, paint);
    }

    private static void Stroke(SKCanvas canvas, CardBox box, int thickness, SKColor color)
    {
        Fill(canvas, box with { Height = thickness }, color);
        Fill(canvas, box with { Top = box.Bottom - thickness, Height = thickness }, color);
        Fill(canvas, box with { Width = thickness }, color);
        Fill(canvas, box with { Left = box.Right - thickness, Width = thickness }, color);
    }

    private static void Circle(SKCanvas canvas, int centerX, int centerY, int radius, SKColor color)
    {
        using var paint = new SKPaint { Color = color, IsAntialias = true };
        canvas.DrawCircle(centerX, centerY, radius, paint);
    }
}

/// <summary>A bitmap being drawn on, with its canvas.</summary>
internal sealed class CardSurface : IDisposable
{
    public CardSurface(int width, int height)
    {
        Bitmap = Pictures.NewBitmap(width, height);
        Canvas = new SKCanvas(Bitmap);
    }

    public SKBitmap Bitmap { get; }

    public SKCanvas Canvas { get; }

    public void Dispose()
    {
        Canvas.Dispose();
        Bitmap.Dispose();
    }
}
