package dev.sessionkit.spring.compat;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Post/redirect/get with flash attributes: a string and a bean of the application's own. */
@Controller
class MessagesController {

    @GetMapping("/messages")
    String messages() {
        return "messages";
    }

    @PostMapping("/messages")
    String save(@RequestParam String text, RedirectAttributes redirect) {
        redirect.addFlashAttribute("message", "saved");
        redirect.addFlashAttribute("notice", new Notice(text, Notice.Level.INFO));
        return "redirect:/messages";
    }

    /** Another page: the flash attributes are for {@code /messages}, not for it. */
    @GetMapping("/messages/elsewhere")
    @ResponseBody
    String elsewhere() {
        return "elsewhere";
    }
}
