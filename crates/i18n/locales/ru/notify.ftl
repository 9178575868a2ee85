# Уведомления сотрудников: события, способы, уведомления в консоли и их настройки.

notify-event-new_conversation = Новое обращение ждёт ответа
notify-event-client_reply_assigned = Клиент написал в назначенное вам обращение
notify-event-client_reply_unassigned = Клиент написал в обращение без исполнителя
notify-event-assigned = Вам назначили обращение
notify-event-mentioned = Вас упомянули в заметке
notify-event-urgent = Срочное обращение ждёт ответа
notify-event-target_breached = Обращение ждёт дольше целевого времени
notify-event-alert_report = Новое сообщение о веществе
notify-event-post_approval = Пост ждёт одобрения
notify-event-content_review = Правка материалов ждёт проверки
notify-email-footer = Это письмо сообщает только, что что-то требует внимания. Откройте консоль, чтобы посмотреть.
notify-transport-console = Консоль
notify-transport-email = Почта
notify-transport-telegram = Telegram
notify-transport-push = Уведомления браузера
notify-title = Уведомления
notify-settings-title = Настройки уведомлений
notify-settings-intro = Выберите, о чём и как вам сообщать. Уведомление никогда не содержит текста сообщений и ничего о клиенте: только что произошло и ссылку в консоль.
notify-event = Событие
notify-email-label = Ваш адрес почты (для уведомлений по почте)
notify-quiet-label = Тихие часы по времени организации, например 22:00-07:00 (оставьте пустым, если не нужны)
notify-on-call-label = Я на дежурстве: сообщать мне о срочном в любое время, в том числе вне рабочих и в мои тихие часы
notify-rules = Вне рабочих часов и в ваши тихие часы за пределы консоли отправляется только срочное, и только дежурным (всем, кто это выбрал, если дежурных нет). В консоли уведомление остаётся всегда.
notify-not-available = не настроено на этом сервере
notify-save = Сохранить
notify-saved = Настройки уведомлений сохранены.
notify-none = Уведомлений нет.
notify-mark-all-read = Отметить все как прочитанные
notify-unread = новое
notify-settings-link = Выбрать, о чём сообщать
nav-notifications = Уведомления
nav-notifications-unread = { $count ->
    [one] Уведомления ({ $count } новое)
    [few] Уведомления ({ $count } новых)
   *[many] Уведомления ({ $count } новых)
}
error-notify-email = Это не адрес электронной почты.
error-notify-quiet-hours = Пишите тихие часы как ЧЧ:ММ-ЧЧ:ММ, например 22:00-07:00, или оставьте поле пустым.
inbox-waiting = Ждёт (рабочее время)
inbox-over-target = дольше цели
conversation-gone-title = Этого обращения больше нет
conversation-gone-body = Клиент удалил это обращение (или оно удалено по сроку хранения), пока вы писали. Ничего не отправлено.
conversation-gone-back = Вернуться во входящие
conversation-gone-kept = Что вы написали, чтобы скопировать при необходимости
shortcuts-title = Клавиши
shortcuts-list = r: поле ответа · n: поле заметки · Ctrl+Enter: отправить написанное · j: следующее ждущее обращение · a: взять себе · s: отметить решённым · i: входящие · ?: показать или скрыть этот список. Всё работает и без них.
inbox-sort = Порядок
inbox-sort-oldest = Сначала ждущие дольше всех
inbox-sort-newest = Сначала новые
dashboard-queue = Ждёт вас
dashboard-queue-empty = Ничего не ждёт вашей проверки.
dashboard-queue-reviews = { $count ->
    [one] { $count } правка материалов ждёт проверки
    [few] { $count } правки материалов ждут проверки
   *[many] { $count } правок материалов ждут проверки
}
dashboard-queue-verifications = { $count ->
    [one] { $count } предупреждение ждёт подтверждения
    [few] { $count } предупреждения ждут подтверждения
   *[many] { $count } предупреждений ждут подтверждения
}
dashboard-queue-qa = { $count ->
    [one] { $count } черновик вопроса и ответа ждёт публикации
    [few] { $count } черновика вопросов и ответов ждут публикации
   *[many] { $count } черновиков вопросов и ответов ждут публикации
}
inbox-bulk = С выбранными обращениями
inbox-bulk-select = Выбрать
inbox-bulk-action = Сделать
inbox-bulk-claim = Назначить мне
inbox-bulk-solve = Отметить решёнными
inbox-bulk-tag = Добавить метку
inbox-bulk-apply = Применить
inbox-bulk-nothing = Выберите, что сделать с выбранными обращениями.
inbox-bulk-done = Сделано: { $done }; отказано: { $refused } (предел нагрузки, чужое обращение или уже удалённое).
notify-telegram-heading = Ваш аккаунт Telegram
notify-telegram-intro = Чтобы получать уведомления в Telegram, свяжите свой аккаунт с ботом организации. В уведомлениях никогда нет того, что писали клиенты.
notify-telegram-link = Связать мой аккаунт Telegram
notify-telegram-code = Отправьте это сообщение боту @{ $bot } в Telegram в течение 15 минут: /link { $code }
notify-telegram-linked = Ваш аккаунт Telegram связан: уведомления, выбранные для Telegram, приходят туда.
notify-telegram-unlink = Отвязать мой аккаунт Telegram
notify-push-title = Нужно ваше внимание
notify-push-heading = Уведомления в этом браузере
notify-push-intro = Push-уведомления в браузере показываются на этом устройстве, когда выбранное вами событие требует вашего внимания, даже если консоль закрыта. В них сказано только, что произошло, и ссылка на консоль; того, что писали клиенты, в них никогда нет. Не включайте их на общем устройстве.
notify-push-turn-on = Включить уведомления в этом браузере
notify-push-needs-script = Чтобы включить их, нужен скрипт этой страницы: разрешите JavaScript для консоли и обновите страницу.
notify-push-unsupported = Этот браузер не принимает push-уведомления (Tor Browser их не принимает).
notify-push-denied = Браузер отказал: разрешите уведомления для этого сайта в его настройках и попробуйте снова.
notify-push-working = Включаем…
notify-push-done = Уведомления в этом браузере включены.
notify-push-failed = Включить не удалось. Обновите страницу и попробуйте снова.
notify-push-devices = Браузеры, которые получают ваши уведомления
notify-push-device = Через { $service }, с { $since }
notify-push-remove = Отключить
notify-push-none = Пока ни один браузер не получает ваших уведомлений.
notify-push-removed = Этот браузер больше не получает ваших уведомлений.
error-push-off = Push-уведомления в браузере на этом сервере не настроены: администратор задаёт push.subject в настройках.
error-push-subscription = Подписку этого браузера здесь использовать нельзя: её push-сервис не из тех, которым этот сервер отправляет уведомления, или ключи неполные.
