using Shiming.Tests.Infrastructure;
using Shiming.Api;

namespace Shiming.Tests.Api;

[TestClass]
public sealed class ImageHeaderTests
{
    [TestMethod]
    public void The_size_of_a_PNG_JPEG_and_BMP_is_read_from_its_header()
    {
        Assert.AreEqual(new ImageHeader(ImageHeader.Png, 856, 540), ImageHeader.TryRead(TestImages.PngHeader(856, 540)));
        Assert.AreEqual(new ImageHeader(ImageHeader.Jpeg, 1024, 640), ImageHeader.TryRead(TestImages.JpegHeader(1024, 640)));
        Assert.AreEqual(new ImageHeader(ImageHeader.Bmp, 300, 200), ImageHeader.TryRead(TestImages.BmpHeader(300, 200)));
    }

    [TestMethod]
    public void A_top_down_BMP_has_its_height_as_a_positive_size() =>
        Assert.AreEqual(200, ImageHeader.TryRead(TestImages.BmpHeader(300, -200))!.Height);

    [TestMethod]
    [DataRow(14, 540, false)]
    [DataRow(15, 15, true)]
    [DataRow(4096, 4096, true)]
    [DataRow(856, 4097, false)]
    public void Baidus_bounds_are_15_to_4096_pixels_a_side(int width, int height, bool fits) =>
        Assert.AreEqual(fits, ImageHeader.TryRead(TestImages.PngHeader(width, height))!.FitsBaidu);

    [TestMethod]
    public void A_truncated_header_is_not_read()
    {
        var png = TestImages.PngHeader(856, 540);
        var jpeg = TestImages.JpegHeader(856, 540);

        Assert.IsNull(ImageHeader.TryRead(png.AsSpan(0, 20)));
        Assert.IsNull(ImageHeader.TryRead(jpeg.AsSpan(0, 24)));
        Assert.IsNull(ImageHeader.TryRead(TestImages.BmpHeader(300, 200).AsSpan(0, 20)));
    }

    [TestMethod]
    public void A_JPEG_that_reaches_its_scan_without_a_frame_header_is_corrupt()
    {
        byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 0xFF, 0xD9];

        Assert.IsNull(ImageHeader.TryRead(jpeg));
    }

    [TestMethod]
    public void The_type_comes_from_the_magic_number_alone()
    {
        Assert.AreEqual(ImageHeader.Png, ImageHeader.DetectType(TestImages.PngHeader(20, 20)));
        Assert.IsNull(ImageHeader.DetectType("GIF89a"u8));
        Assert.IsNull(ImageHeader.DetectType([]));
    }
}
