package io.pooldisk.clientgui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import javafx.geometry.Rectangle2D;
import javafx.scene.Scene;
import javafx.scene.layout.StackPane;
import javafx.stage.Screen;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.util.WaitForAsyncUtils;

/** A window's first size and minimum: as asked where the screen has room, within the screen where it has not. */
@ExtendWith(ApplicationExtension.class)
class WindowSizeTest {

    @Test
    void aWindowOpensAtItsSizeWithItsMinimum(FxRobot robot) throws Exception {
        Stage stage = WaitForAsyncUtils.asyncFx(() -> {
                    Stage s = new Stage();
                    s.setScene(new Scene(new StackPane()));
                    WindowSize.show(s, 800, 500, 640, 400);
                    return s;
                })
                .get(30, TimeUnit.SECONDS);
        try {
            assertThat(stage.getWidth()).isEqualTo(800);
            assertThat(stage.getHeight()).isEqualTo(500);
            assertThat(stage.getMinWidth()).isEqualTo(640);
            assertThat(stage.getMinHeight()).isEqualTo(400);
        } finally {
            robot.interact(stage::close);
        }
    }

    @Test
    void aWindowLargerThanTheScreenOpensAtTheScreensSize(FxRobot robot) throws Exception {
        Rectangle2D screen = Screen.getPrimary().getVisualBounds();
        Stage stage = WaitForAsyncUtils.asyncFx(() -> {
                    Stage s = new Stage();
                    s.setScene(new Scene(new StackPane()));
                    WindowSize.show(s, screen.getWidth() + 500, screen.getHeight() + 500, screen.getWidth() + 100, 100);
                    return s;
                })
                .get(30, TimeUnit.SECONDS);
        try {
            assertThat(stage.getWidth()).isEqualTo(screen.getWidth());
            assertThat(stage.getHeight()).isEqualTo(screen.getHeight());
            assertThat(stage.getMinWidth()).isEqualTo(screen.getWidth());
        } finally {
            robot.interact(stage::close);
        }
    }
}
