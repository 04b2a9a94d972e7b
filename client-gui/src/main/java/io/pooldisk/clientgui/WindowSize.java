package io.pooldisk.clientgui;

import javafx.application.Platform;
import javafx.geometry.Rectangle2D;
import javafx.stage.Screen;
import javafx.stage.Stage;

/**
 * A window's first size and its minimum, both kept within the screen. The size is given to the stage itself, not to
 * its scene, and given again once the window is up: under some window managers JavaFX 21 on Linux opens a window
 * sized by its scene at 200x200 (JDK-8316423, fixed in JavaFX 22).
 */
public final class WindowSize {

    private WindowSize() {}

    /** Shows {@code stage} at {@code width} x {@code height} unless it has a size already; never below the minimum. */
    public static void show(Stage stage, double width, double height, double minWidth, double minHeight) {
        Rectangle2D screen = Screen.getPrimary().getVisualBounds();
        stage.setMinWidth(Math.min(minWidth, screen.getWidth()));
        stage.setMinHeight(Math.min(minHeight, screen.getHeight()));
        double w = Double.isNaN(stage.getWidth()) ? Math.min(width, screen.getWidth()) : stage.getWidth();
        double h = Double.isNaN(stage.getHeight()) ? Math.min(height, screen.getHeight()) : stage.getHeight();
        stage.setWidth(w);
        stage.setHeight(h);
        stage.show();
        if (!stage.isMaximized()) {
            Platform.runLater(() -> {
                if (!stage.isMaximized() && (stage.getWidth() != w || stage.getHeight() != h)) {
                    stage.setWidth(w);
                    stage.setHeight(h);
                }
            });
        }
    }
}
