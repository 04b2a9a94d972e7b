import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Arc2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Draws PoolDisk's application icon: a disk (a stack of platters) over a row of worker dots, idle green and one busy
 * amber, on a rounded blue tile. Writes PoolDisk.png (Linux), PoolDisk.ico (Windows) and PoolDisk.icns (macOS), the
 * last two wrapping the same 256-pixel PNG. The installer uses the committed files; rerun after changing the drawing:
 *
 * <pre>java app/src/installer/MakeIcon.java app/src/installer</pre>
 */
public final class MakeIcon {

    private static final int SIZE = 256;

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : ".");
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(draw(), "png", png);
        byte[] bytes = png.toByteArray();
        Files.write(dir.resolve("PoolDisk.png"), bytes);
        Files.write(dir.resolve("PoolDisk.ico"), ico(bytes));
        Files.write(dir.resolve("PoolDisk.icns"), icns(bytes));
    }

    private static BufferedImage draw() {
        BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);

        g.setPaint(new GradientPaint(0, 0, new Color(0x2f80ed), 0, SIZE, new Color(0x1c3f94)));
        g.fill(new RoundRectangle2D.Double(8, 8, SIZE - 16, SIZE - 16, 56, 56));

        // The disk: a cylinder of three platters.
        double x = 58, w = 140, top = 40, h = 120, rim = 36;
        Color face = new Color(0xf4f7fc), shade = new Color(0xc9d6ee), line = new Color(0x1c3f94);
        Path2D body = new Path2D.Double();
        body.moveTo(x, top + rim / 2);
        body.lineTo(x, top + h);
        body.append(new Arc2D.Double(x, top + h - rim / 2, w, rim, 180, 180, Arc2D.OPEN), true);
        body.lineTo(x + w, top + rim / 2);
        body.closePath();
        g.setPaint(new GradientPaint((float) x, 0, face, (float) (x + w), 0, shade));
        g.fill(body);
        g.setColor(line);
        g.setStroke(new BasicStroke(4f));
        for (int i = 1; i <= 2; i++) {
            double y = top + rim / 2 + i * (h - rim / 2) / 3.0 - rim / 2;
            g.draw(new Arc2D.Double(x, y, w, rim, 180, 180, Arc2D.OPEN));
        }
        g.setColor(face);
        g.fill(new Ellipse2D.Double(x, top, w, rim));
        g.setColor(line);
        g.draw(new Ellipse2D.Double(x, top, w, rim));

        // The pool: worker dots, three idle and one busy.
        Color idle = new Color(0x34c77b), busy = new Color(0xffb020);
        double d = 30, gap = 14, y = 190, start = (SIZE - (4 * d + 3 * gap)) / 2;
        for (int i = 0; i < 4; i++) {
            g.setColor(i == 2 ? busy : idle);
            g.fill(new Ellipse2D.Double(start + i * (d + gap), y, d, d));
            g.setColor(new Color(255, 255, 255, 200));
            g.setStroke(new BasicStroke(3f));
            g.draw(new Ellipse2D.Double(start + i * (d + gap), y, d, d));
        }
        g.dispose();
        return img;
    }

    /** An ICO holding one PNG image (Windows Vista and later read PNG entries). */
    private static byte[] ico(byte[] png) {
        ByteBuffer b = ByteBuffer.allocate(6 + 16 + png.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0).putShort((short) 1).putShort((short) 1); // reserved, type icon, one image
        b.put((byte) 0).put((byte) 0); // 0 means 256 wide and high
        b.put((byte) 0).put((byte) 0); // no palette, reserved
        b.putShort((short) 1).putShort((short) 32); // planes, bits per pixel
        b.putInt(png.length).putInt(6 + 16); // size and offset of the image
        b.put(png);
        return b.array();
    }

    /** An ICNS holding one 256-pixel PNG ('ic08'). */
    private static byte[] icns(byte[] png) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataOutputStream data = new DataOutputStream(out); // big-endian, as ICNS is
        data.writeBytes("icns");
        data.writeInt(8 + 8 + png.length);
        data.writeBytes("ic08");
        data.writeInt(8 + png.length);
        data.write(png);
        return out.toByteArray();
    }
}
