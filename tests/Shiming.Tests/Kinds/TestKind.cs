using Shiming.BaiduEmulator;

namespace Shiming.Tests.Kinds;

/// <summary>A kind of job other than cards, as a test submits it: its route, its drain, the Baidu API it calls, and samples that carry ground truth.</summary>
internal sealed record TestKind(string Name, string Route, string DrainFunction, string Api, string NotFoundCode)
{
    public static readonly TestKind Text = new("text", "text-recognitions", "DrainTextRecognitions", EmulatorApis.AccurateBasic, "text_recognition_not_found");

    public static readonly TestKind Moderation = new("moderation", "image-moderations", "DrainImageModerations", EmulatorApis.UserDefined, "image_moderation_not_found");

    public static TestKind Named(string name) => name == Text.Name ? Text : Moderation;

    /// <summary>A made-up document (its lines embedded) or a picture carrying a non-compliant verdict; another one for each seed.</summary>
    public byte[] Sample(int seed) => this == Text
        ? SyntheticDocuments.Render(SyntheticDocuments.Create(new Random(seed))).Png
        : SyntheticModerationImages.Render(ModerationGroundTruth.NonCompliant(), seed);

    public override string ToString() => Name;
}
