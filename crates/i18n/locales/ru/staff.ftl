# Консоль сотрудников.
nav-dashboard = Консоль
nav-users = Сотрудники
nav-tokens = API-токены
nav-account = Моя учётная запись
nav-logout = Выйти

role-admin = Администратор
role-supervisor = Супервизор
role-worker = Аутрич-работник

field-username = Имя пользователя
field-password = Пароль
field-role = Роль
field-current-password = Текущий пароль
field-new-password = Новый пароль
field-confirm-password = Повторите новый пароль
hint-password = Не меньше 12 символов. Несколько несвязанных слов легко запомнить и трудно угадать.
hint-username = От 3 до 32 символов: a–z, 0–9, точка, дефис или подчёркивание.

login-title = Вход для сотрудников
login-submit = Войти
login-error-invalid = Неверное имя пользователя или пароль.
login-error-disabled = Эта учётная запись отключена. Попросите администратора включить её.
login-error-locked = Слишком много неверных паролей для этой учётной записи. Попробуйте снова через { $wait }.

logout-everywhere = Выйти на всех устройствах

dashboard-title = Консоль
dashboard-signed-in-as = Вы вошли как { $username }
dashboard-sessions = { $count ->
    [one] Вы вошли на { $count } устройстве или в браузере.
    [few] Вы вошли на { $count } устройствах или в браузерах.
   *[many] Вы вошли на { $count } устройствах или в браузерах.
}

setup-title = Создание первой учётной записи администратора
setup-intro = Эта одноразовая ссылка создаёт первую учётную запись администратора. Выберите надёжный пароль и храните его в безопасности: «чёрного хода» нет. Позже добавьте второго администратора, чтобы организация не зависела от одного человека.
setup-submit = Создать учётную запись администратора

account-title = Моя учётная запись
account-change-password = Сменить пароль
account-sessions-heading = Сеансы
account-sessions-intro = Если вы забыли выйти на общем или потерянном устройстве, выйдите везде. Смена пароля тоже завершает все сеансы.

tokens-title = API-токены
tokens-intro = Токены позволяют программам работать с API Netreach от вашего имени. Токен может всё, что можете вы; отзывайте те, которыми больше не пользуетесь.
tokens-none = У вас нет API-токенов.
tokens-col-name = Название
tokens-col-created = Создан
tokens-col-last-used = Использован
tokens-col-expires = Действует до
tokens-never = никогда
tokens-revoke = Отозвать
tokens-create-heading = Новый токен
tokens-create-submit = Создать токен
tokens-created-once = Скопируйте токен сейчас. Больше он показан не будет.
tokens-error-name = Дайте токену название от 1 до 64 символов, чтобы потом его узнать.
tokens-error-days = Выберите, сколько времени токен будет действовать.

users-title = Сотрудники
users-col-status = Состояние
users-col-created = Создан
users-col-actions = Действия
users-status-active = активна
users-status-disabled = отключена
users-you = (вы)
users-manage = Управление
users-disable = Отключить учётную запись
users-enable = Включить учётную запись
users-change-role = Сменить роль
users-reset-password = Задать новый пароль
users-create-heading = Добавить сотрудника
users-create-intro = Или создайте учётную запись сами с паролем, который вы выберете, и передайте его человеку надёжным способом; попросите сменить пароль при первом входе.
users-invite-heading = Пригласить сотрудника
users-invite-intro = Вы выбираете имя пользователя и роль; человек открывает одноразовую ссылку и сам выбирает пароль, так что его не знает никто другой. Ссылка работает один раз и 3 дня. Когда человек войдёт, откройте ему доступ к разговорам на этой странице.
users-invite-submit = Создать ссылку-приглашение
users-invite-link = Ссылка-приглашение (показана только сейчас):
users-invite-link-hint = Скопируйте её и отправьте только этому человеку по каналу, которому вы доверяете. Любой, у кого есть ссылка, может занять учётную запись, пока она не использована, поэтому отзовите её ниже, если она попала не туда.
users-invite-link-relative = Сервер не знает своего публичного адреса (настройка public_url), поэтому ссылка начинается с /: добавьте перед ней адрес, по которому ваша команда открывает Netreach, например https://help.example.org/staff/invite?token=…
users-invites-pending = Неиспользованные приглашения
users-invite-expires = Ссылка работает до
users-invite-withdraw = Отозвать
users-create-submit = Создать учётную запись

flash-user-created = Учётная запись создана. Передайте человеку пароль по безопасному каналу.
flash-user-disabled = Учётная запись отключена, все её сеансы завершены.
flash-user-enabled = Учётная запись снова включена.
flash-role-changed = Роль изменена.
flash-password-reset = Пароль задан, все сеансы этого сотрудника завершены.
flash-password-changed = Пароль изменён. Войдите снова с новым паролем.
flash-token-revoked = Токен отозван.
flash-logged-out-everywhere = Вы вышли на всех устройствах.
flash-setup-done = Учётная запись администратора создана. Войдите с ней.
flash-invite-made = Приглашение создано. Отправьте ссылку ниже этому человеку.
flash-invite-withdrawn = Приглашение отозвано: ссылка больше не работает.
flash-invite-accepted = Ваша учётная запись готова. Войдите со своим именем пользователя и выбранным паролем.

invite-title = Присоединяйтесь к команде в Netreach
invite-intro = Вас пригласили как { $username } ({ $role }). Выберите пароль, чтобы создать учётную запись.
invite-submit = Создать учётную запись
invite-after = Затем администратор откроет вам доступ к разговорам; до этого вы можете войти и видеть консоль.
invite-gone = Эта ссылка-приглашение не работает: она уже использована, отозвана или старше 3 дней. Попросите у администратора вашей команды новую.

error-username-too-short = В имени пользователя должно быть не меньше 3 символов.
error-username-too-long = В имени пользователя может быть не больше 32 символов.
error-username-characters = В имени пользователя допустимы только a–z, 0–9, точка, дефис и подчёркивание; начинаться оно должно с буквы или цифры.
error-username-taken = Это имя пользователя уже занято. Выберите другое.
error-password-too-short = В пароле должно быть не меньше 12 символов.
error-password-too-long = В пароле может быть не больше 256 символов.
error-password-repetitive = Пароль не может состоять из одного повторяющегося символа.
error-password-weak = Этот пароль легко угадать. Надёжнее несколько не связанных между собой слов или длинная фраза, которую придумаете только вы.
error-password-weak-keyboard = Этот пароль легко угадать: ряды и узоры клавиш перебирают в первую очередь. Возьмите несколько не связанных между собой слов.
error-password-weak-repeats = Этот пароль легко угадать: повторы букв или групп почти ничего не добавляют. Возьмите несколько не связанных между собой слов.
error-password-weak-common = Этот пароль легко угадать: он совпадает с распространённым паролем или похож на него. Возьмите несколько не связанных между собой слов.
error-password-weak-sequence = Этот пароль легко угадать: последовательности вроде «abc» или «1234» перебирают рано. Возьмите несколько не связанных между собой слов.
error-password-weak-date = Этот пароль легко угадать: даты и годы перебирают рано. Возьмите несколько не связанных между собой слов.
error-password-weak-word = Этот пароль легко угадать: одно слово, даже с цифрами, есть в любом словаре для перебора. Возьмите несколько не связанных между собой слов.
error-password-weak-names = Этот пароль легко угадать: имена и фамилии есть в любом словаре для перебора. Возьмите несколько не связанных между собой слов.
error-password-mismatch = Новые пароли не совпадают. Введите их ещё раз.
error-current-password = Текущий пароль неверен.
error-own-account = Это нельзя сделать со своей учётной записью. Попросите другого администратора.
error-role = Выберите роль: администратор, супервизор или аутрич-работник.

recovery-title = Ваш ключ восстановления
recovery-intro = Учётная запись администратора и ключ входящих сообщений организации созданы. Эти 24 слова позволяют открыть ключ входящих, если пароли всех администраторов будут утеряны (командой netreach admin recover). Запишите их на бумаге прямо сейчас и храните в надёжном месте без доступа к сети.
recovery-warning = Они показаны только один раз. Любой, у кого есть эти слова и копия базы данных, сможет читать переписку.
recovery-continue = Я записал(а) их: войти
error-no-keys = У этой учётной записи ещё нет пары ключей. Задайте ей новый пароль («Задать новый пароль»): так она получит ключи, и доступ можно будет выдать.
error-conflict = Пока вы работали, кто-то другой изменил этот разговор. Обновите страницу, чтобы увидеть изменения; ваш текст сохранён ниже.
error-caseload-full = У этого сотрудника уже максимальное число открытых разговоров. Сначала завершите или передайте один из них.
error-no-inbox-access = У вас пока нет доступа к содержанию разговоров. Попросите администратора его выдать.

nav-inbox = Входящие
inbox-title = Входящие
inbox-all = Все
inbox-filter-status = Фильтр по состоянию
inbox-filter-assigned = Фильтр по назначению
inbox-assigned-all = Все сотрудники
inbox-assigned-mine = Мои
inbox-assigned-none = Не назначены
inbox-urgent-only = Только срочные
inbox-urgent = срочно
inbox-topic = Тема
inbox-lang = Язык
inbox-channel = Канал
inbox-assigned = Назначен
inbox-last-activity = Последняя активность
inbox-apply = Показать
inbox-empty = Подходящих разговоров нет.
inbox-next = Более ранние разговоры →
staff-status-new = новый
staff-status-open = открыт
staff-status-waiting_for_client = ждём клиента
staff-status-solved = решён
staff-status-archived = в архиве

conversation-title = Разговор
conversation-back = ← Входящие
conversation-created = Начат
conversation-first-response = Первый ответ
conversation-rating = Оценка клиента
conversation-retention = Хранение
conversation-deletion = { $days ->
    [one] Будет удалён автоматически через { $days } день, если не будет новой активности.
    [few] Будет удалён автоматически через { $days } дня, если не будет новой активности.
   *[many] Будет удалён автоматически через { $days } дней, если не будет новой активности.
}
conversation-intake = Ответы при обращении
conversation-note = Внутренняя заметка
conversation-feedback = Комментарий клиента к оценке
conversation-client = Клиент
conversation-locked = (зашифровано: нет доступа к входящим)
conversation-reply = Ответ клиенту
conversation-send = Отправить ответ
conversation-add-note = Внутренняя заметка
conversation-note-hint = Заметки видит только команда; клиент их никогда не видит.
conversation-save-note = Сохранить заметку
conversation-manage = Назначение и состояние
conversation-claim = Взять себе
conversation-unassign = Снять назначение
conversation-assign-to = Назначить
conversation-assign = Назначить
conversation-set-status = Изменить состояние

users-col-access = Разговоры
users-access-yes = может читать
users-access-no = нет доступа
users-grant = Выдать доступ

flash-replied = Ваш ответ отправлен.
flash-noted = Заметка сохранена.
flash-assigned = Назначение изменено.
flash-status = Состояние изменено.
flash-granted = Доступ к разговорам выдан.
dashboard-waiting = { $count ->
    [one] { $count } разговор ждёт ответа.
    [few] { $count } разговора ждут ответа.
   *[many] { $count } разговоров ждут ответа.
}
dashboard-urgent = { $count ->
    [one] { $count } из них срочный.
    [few] { $count } из них срочные.
   *[many] { $count } из них срочных.
}

day-mon = Понедельник
day-tue = Вторник
day-wed = Среда
day-thu = Четверг
day-fri = Пятница
day-sat = Суббота
day-sun = Воскресенье
availability-title = Часы работы
availability-intro = На главной странице клиенты видят, на связи ли команда, а в нерабочее время — когда им ответят.
availability-timezone = Часовой пояс
availability-timezone-hint = Название IANA, например Europe/Moscow, Europe/Berlin или Asia/Almaty.
availability-hours = Часы по дням
availability-hours-hint = Пишите ЧЧ:ММ-ЧЧ:ММ, например 09:00-18:00. Оставьте день пустым, если никто не работает.
availability-holidays = Праздничные дни (по одной дате в строке, например 2026-01-07)
availability-away = Команда сейчас отошла (ручной переключатель)
availability-save = Сохранить часы работы
dashboard-availability = Доступность
dashboard-away-on = Команда отмечена как отошедшая: клиенты видят, что ответ может занять больше времени.
dashboard-back = Мы вернулись
dashboard-go-away = Отметить, что команда отошла
canned-title = Шаблоны ответов
canned-intro = Готовые ответы, которые сотрудник вставляет в ответ и затем правит. {"{"}worker{"}"} заменяется именем сотрудника, {"{"}org{"}"} — названием организации.
canned-none = Шаблонов пока нет.
canned-col-title = Название
canned-delete = Удалить
canned-edit = Изменить шаблон
canned-new = Новый шаблон
canned-body = Текст
canned-placeholders = Подстановки: {"{"}worker{"}"}, {"{"}org{"}"}.
canned-save = Сохранить
conversation-tags = Метки
conversation-add-tag = Добавить метку
conversation-tag-submit = Добавить
conversation-remove-tag = Убрать эту метку
conversation-canned = Вставить шаблон
flash-saved = Сохранено.
flash-away = Переключатель доступности изменён.
flash-canned = Шаблон сохранён.
flash-canned-deleted = Шаблон удалён.
flash-tagged = Метки изменены.
error-timezone = Неизвестный часовой пояс. Используйте название вроде Europe/Moscow.
error-hours-format = Пишите часы как ЧЧ:ММ-ЧЧ:ММ, например 09:00-18:00, или оставьте день пустым.
error-hours-order = Время окончания должно быть позже времени начала.
error-holiday = Пишите праздники датами вида 2026-01-07, по одной в строке.
error-canned-title = Дайте шаблону название длиной от 1 до 100 символов.
error-canned-body = Напишите текст шаблона (не длиннее сообщения).
error-canned-lang = Выберите язык шаблона.
error-tag = Метка — это от 1 до 32 букв, цифр или дефисов.
conversation-insert-check = Вставить проверку сочетания (вещества через запятую)
conversation-insert = Вставить
error-markup = Выберите разметку: bbcode, markdown, telegram_html или plain.
alerts-console-title = Предупреждения о веществах
alerts-console-alerts = Предупреждения
alerts-verify = Подтвердить
alerts-publish = Опубликовать
alerts-withdraw = Отозвать
alerts-new = Новое предупреждение
alerts-severity = Важность
alerts-regions = Регионы (через запятую)
alerts-substances = Вещества (обозначения через запятую)
alerts-title-en = Заголовок (английский)
alerts-body-en = Текст (английский)
alerts-title-ru = Заголовок (русский)
alerts-body-ru = Текст (русский)
alerts-expires = Действует до (ГГГГ-ММ-ДД)
alerts-report-id = По сообщению (id, по желанию)
alerts-save = Сохранить предупреждение
alerts-reports = Полученные сообщения
alerts-no-reports = Сообщений нет.
alerts-flagged = возможно, есть контактные данные
error-alert-form = Проверьте предупреждение: важность, оба заголовка и текста, будущая дата окончания (ГГГГ-ММ-ДД), известные вещества.
flash-alert-saved = Предупреждение сохранено. Перед публикацией его нужно подтвердить.
flash-alert-verify = Ваше подтверждение записано.
flash-alert-publish = Предупреждение опубликовано.
flash-alert-withdraw = Предупреждение отозвано.
conversation-resolved = Решён

## Публикации: площадки, посты, журнал публикаций
nav-posts = Посты
nav-venues = Площадки
nav-log = Журнал публикаций
venues-title = Площадки
venues-none = Площадок пока нет.
venues-new = Добавить площадку
venues-back = ← Все площадки
venue-name = Название
venue-kind = Тип
venue-kind-darknet_forum = Форум в даркнете
venue-kind-clearnet_forum = Форум в открытом интернете
venue-kind-telegram_channel = Telegram-канал
venue-kind-telegram_group = Telegram-группа
venue-kind-other = Другое
venue-address = Адрес (onion или обычный URL)
venue-markup = Разметка
venue-limit = Лимит символов в посте
venue-limit-hint = Оставьте пустым, если лимита нет. Для Telegram по умолчанию 4096.
venue-rules = Правила
venue-permission = Разрешение на публикацию
venue-permission-not_asked = не запрашивали
venue-permission-asked = запросили
venue-permission-granted = получено
venue-permission-refused = отказано
venue-permission-date = Дата статуса разрешения (ГГГГ-ММ-ДД)
venue-permission-contact = Кого спрашивали (администратор площадки, не клиент)
venue-needs-approval = Посты здесь требуют одобрения второго сотрудника
venue-telegram-chat = Чат Telegram для отправки (@имя или числовой id)
venue-push-alerts = Отправлять сюда опубликованные предупреждения
venue-notes = Заметки
venue-save = Сохранить площадку
venue-token = Токен бота
venue-token-set = Токен бота сохранён (в зашифрованном виде). Он больше не показывается.
venue-token-unset = Токена нет: публикации здесь отмечаются вручную.
venue-token-new = Новый токен бота (пустое поле удаляет сохранённый)
venue-token-hint = От @BotFather. Бот должен быть администратором канала или участником группы.
venue-token-save = Сохранить токен
posts-title = Посты
posts-none = Постов пока нет.
posts-new = Написать пост
post-title = Пост
post-field-title = Заголовок (виден только сотрудникам)
post-field-markdown = Текст (Markdown)
post-markdown-hint = **жирный**, *курсив*, [ссылка](https://…), списки через «- ». Каждая площадка получает текст в своей разметке, всё набранное экранируется.
post-save = Сохранить как новую версию
post-preview = Предпросмотр без сохранения
post-version = Версия { $version }
post-approved = одобрена
post-not-approved = ещё не одобрена
post-approve = Одобрить версию { $version }
post-approve-other = Эту версию последним правили вы: одобрить её должен другой сотрудник.
post-editor = Текст
post-restoring = В редактор загружена версия { $version }. При сохранении она станет новой версией.
post-unsaved = Текст ниже не сохранён; предпросмотры показывают его как есть.
post-insert = Вставить ссылку (база знаний, вопросы и ответы) или проверку сочетаний
post-insert-qa = Опубликованный вопрос и ответ
post-insert-hint = Выберите одно: вставляется первое заполненное поле (вопрос-ответ, статья, вещества).
post-insert-kb = Статья базы знаний
post-insert-check = Вещества для проверки (от двух до шести, через запятую)
post-insert-button = Вставить в конец
post-previews = Предпросмотр для каждой площадки
post-copy = Текст для копирования
post-count = { $count ->
    [one] { $count } символ
    [few] { $count } символа
   *[many] { $count } символов
}
post-count-limit = { $count } из { $limit } символов
post-warn-permission = Разрешение на публикацию здесь: { $status }. Публикация может нарушить правила площадки, и аккаунт могут заблокировать.
post-save-first = Сохраните текст перед публикацией.
post-mode-send = Отправить через бота
post-send-at = Отправить в (ГГГГ-ММ-ДД ЧЧ:ММ, UTC; пусто — сейчас)
post-mode-record = Я опубликовал(а) вручную
post-url = Адрес опубликованного поста
post-acknowledge = Я прочитал(а) предупреждение и всё равно публикую
post-needs-approval = Для этой площадки текущую версию должен одобрить второй сотрудник.
post-publish = Опубликовать
post-log = Где опубликован этот пост
post-versions = Версии
post-approved-by = одобрил(а) { $name }
log-title = Журнал публикаций
log-venue = Площадка
log-status = Статус
log-any = любой
log-filter = Показать
log-csv = Скачать CSV
log-none = Пока ничего не опубликовано.
log-alert = Предупреждение о веществах
log-record = Указать адрес, статус, что отследить
log-followup = Ответы, на которые нужно отреагировать, заметки
log-save = Сохранить
log-attempts = { $count ->
    [one] { $count } попытка
    [few] { $count } попытки
   *[many] { $count } попыток
}
log-status-scheduled = запланирован
log-status-sending = отправляется
log-status-live = опубликован
log-status-failed = ошибка отправки
log-status-removed = удалён модераторами
log-status-deleted = удалён
flash-venue-saved = Площадка сохранена.
flash-token-saved = Токен бота сохранён.
flash-post-saved = Пост сохранён как новая версия.
flash-post-approved = Версия одобрена.
flash-post-queued = Пост поставлен в очередь на отправку; журнал покажет, когда он выйдет.
flash-post-recorded = Публикация записана в журнал.
flash-log-saved = Запись журнала сохранена.
error-venue-invalid = Укажите название площадки (до 100 символов), выберите тип, язык, разметку и статус разрешения; правила и заметки — до 4000 символов.
error-venue-address = Укажите адрес площадки полным URL с http:// или https:// (onion-адреса тоже), без пробелов.
error-venue-chat = Чат Telegram — это @имя (5–32 латинские буквы, цифры или _) или числовой id; он бывает только у площадок в Telegram.
error-venue-limit = Лимит символов — целое число от 1 до 100000 или пустое поле.
error-venue-date = Укажите дату разрешения в виде ГГГГ-ММ-ДД.
error-venue-token = Это не похоже на токен бота (цифры, двоеточие, затем буквы и цифры), или площадка не в Telegram.
error-post-invalid = У поста должен быть заголовок (до 200 символов) и текст (до 20 000 символов).
error-post-conflict = Кто-то сохранил этот пост после того, как вы его открыли. Ваш текст ниже: сравните его с последней версией и сохраните снова.
error-post-approval-required = Для этой площадки текущую версию сначала должен одобрить второй сотрудник.
error-post-own-version = Эту версию последним правили вы, поэтому одобрить её должен кто-то другой.
error-post-already-approved = Эта версия уже одобрена или больше не текущая.
error-venue-permission = У нас нет разрешения публиковать там. Отметьте галочку, чтобы подтвердить, что вы всё равно публикуете.
error-post-too-long = Текст длиннее, чем позволяет площадка. Сократите его и сохраните новую версию.
error-venue-no-sender = Эта площадка не умеет отправлять сама (нет чата Telegram или токена бота). Опубликуйте вручную и укажите адрес.
error-post-insert = Нечего вставить: выберите статью или назовите от двух до шести известных веществ.
error-publish-url = Адрес поста должен быть полным URL с http:// или https://.
error-publish-send-at = Укажите время отправки в виде ГГГГ-ММ-ДД ЧЧ:ММ (UTC), не дальше чем через 90 дней.
error-log-invalid = Выберите «опубликован», «удалён модераторами» или «удалён» (запланированную отправку можно только отменить, удалив её); заметки — до 2000 символов.
nav-qa = Вопросы и ответы
qa-console-title = Вопросы и ответы
qa-console-intro = Решённые разговоры, клиенты которых дали согласие, становятся публичными вопросами и ответами: перепишите вопрос и ответ так, чтобы не осталось ничего узнаваемого (имён, мест точнее города, дат, ников, необычных подробностей). Второй сотрудник проверяет и публикует.
qa-from-conversation = Публичный вопрос и ответ
qa-consent-given = Клиент согласился на анонимную публичную версию этого разговора.
qa-rewrite-hint = Переписывайте, а не копируйте: уберите имена, места, даты, ники и всё, по чему можно узнать человека.
qa-save-draft = Сохранить черновик
qa-solve-first = Отметьте разговор решённым, прежде чем писать запись.
qa-drafts = Черновики на проверке
qa-no-drafts = Черновиков нет.
qa-review-other = Этот черновик последними правили вы: проверить и опубликовать его должен другой сотрудник.
qa-publish = Проверено: опубликовать
qa-published = Опубликованные
qa-withdraw = Снять с публикации
flash-qa-saved = Черновик сохранён.
flash-qa-publish = Запись опубликована.
flash-qa-withdraw = Запись снята с сайта.
error-qa-invalid = Напишите и вопрос (до 2000 символов), и ответ (до 8000).
error-qa-consent = Клиент не давал согласия или отозвал его: эту запись нельзя опубликовать.
error-qa-not-solved = Записью может стать только решённый разговор.
error-qa-own-entry = Эту запись последними правили вы, поэтому проверить её должен кто-то другой.
error-qa-state = С этой записью сейчас нельзя это сделать.
conversation-refer = Направить в сервис

## Редактор материалов
nav-content = Материалы
editor-title = Материалы
editor-intro = Статьи, профили веществ, правила сочетаний и сервисы — как файлы пакета материалов. Каждое сохранение — новая версия, проверенная вместе со всем пакетом; публикует её супервизор, который её не писал.
editor-all = все
editor-state = Состояние
editor-state-new = новый файл
editor-state-draft = черновик
editor-state-in_review = на проверке
editor-state-published = опубликован
editor-state-archived = в архиве
editor-new = Открыть или создать файл (путь)
editor-open = Открыть
editor-file = Файл
editor-back = ← Все материалы
editor-head = последняя версия { $version }
editor-live = на сайте версия { $version }
editor-submit = Отправить на проверку
editor-publish = Проверено: опубликовать
editor-needs-reviewer = Проверяет и публикует супервизор, который не писал эту версию.
editor-send-back = Вернуть на доработку
editor-archive = В архив (снять с сайта)
editor-restoring = В редактор загружена версия { $version }. При сохранении она станет новой версией.
editor-text = Текст файла
editor-hint = Статьи: TOML-заголовок между строками +++, затем Markdown. Профили, правила и сервисы: TOML. У каждого факта должен быть источник.
editor-save = Сохранить как новую версию
editor-preview = Предпросмотр
editor-revisions = Версии
editor-imported = как при импорте
editor-reviewed-by = проверил(а) { $name }
editor-load = загрузить в редактор
editor-compare = сравнить с предыдущей
editor-compare-title = Изменения от версии { $a } к { $b }
flash-content-saved = Сохранено как новая версия (черновик). Когда будет готово, отправьте на проверку.
flash-content-submit = Отправлено на проверку.
flash-content-send-back = Возвращено в черновики.
flash-content-publish = Опубликовано: сайт показывает эту версию.
flash-content-archive = В архиве: файла больше нет на сайте.
error-editor-path = Это не путь файла материалов: kb/<slug>.en.md или .ru.md, substances/<slug>.toml, services/<slug>.toml или combinations/<имя>.toml (строчные латинские буквы, цифры, дефисы).
error-editor-invalid = С этим текстом пакет будет некорректным. Каждая проблема указана с файлом и строкой; ваш текст сохранён ниже.
error-editor-conflict = Кто-то изменил этот файл или пакет после того, как вы его открыли. Обновите страницу, сравните и сохраните снова.
error-editor-state = Файл сейчас не в том состоянии, чтобы это сделать.
error-editor-own = Эту версию писали вы, поэтому проверить её должен другой супервизор.
nav-staff-search = Поиск
staff-search-title = Поиск
staff-search-hint = Опубликованные статьи, вещества и вопросы-ответы (на обоих языках, с учётом опечаток), а также шаблоны ответов, посты, площадки и сервисы команды.
staff-search-canned = шаблон ответа
staff-search-post = пост
staff-search-venue = площадка
staff-search-service = сервис
staff-search-edit = изменить

## Audit log
nav-audit = Журнал действий
audit-title = Журнал действий
audit-intro = Что делали сотрудники, когда и с какой записью: никогда не текст сообщений и ничего о клиентах. По умолчанию записи хранятся год.
audit-action = Действие
audit-actor = Кто
audit-at = Когда (UTC)
audit-target = Над чем
audit-none = Подходящих записей нет.
audit-older = Более ранние записи
error-audit-action = Выберите действие из списка.
audit-action-sign_in = Вход
audit-action-sign_in_failed = Неверный пароль
audit-action-sign_out_everywhere = Выход на всех устройствах
audit-action-password_changed = Смена своего пароля
audit-action-conversation_opened = Открыт разговор
audit-action-conversation_claimed = Разговор взят в работу
audit-action-conversation_assigned = Разговор назначен
audit-action-conversation_status = Изменён статус разговора
audit-action-conversation_follow_up = Назначено или снято напоминание по разговору
audit-action-note_added = Добавлена внутренняя заметка
audit-action-post_approved = Пост одобрен
audit-action-post_published = Пост опубликован
audit-action-alert_verified = Предупреждение подтверждено
audit-action-alert_published = Предупреждение опубликовано
audit-action-alert_withdrawn = Предупреждение отозвано
audit-action-qa_published = Опубликован вопрос-ответ
audit-action-qa_withdrawn = Отозван вопрос-ответ
audit-action-content_published = Опубликовано изменение материалов
audit-action-exported = Выгружен CSV-файл
audit-action-backup_written = Создана резервная копия
audit-action-recovery_key_confirmed = Подтверждено, что ключ восстановления записан
audit-action-user_created = Создана учётная запись
audit-action-role_changed = Изменена роль
audit-action-user_disabled = Учётная запись отключена
audit-action-user_enabled = Учётная запись включена
audit-action-password_reset = Сброшен пароль
audit-action-inbox_access_granted = Выдан доступ к входящим
audit-action-settings_changed = Изменены настройки
audit-action-sessions_revoked = Сотрудник выведен из всех сеансов
audit-action-two_factor_enabled = Включён двухфакторный вход
audit-action-two_factor_disabled = Выключен двухфакторный вход
audit-action-two_factor_reset = Сброшен двухфакторный вход сотрудника
audit-action-panic_lock = Экстренная блокировка
# The versions of the whole published pack.
content-versions-title = Версии пакета
content-versions-intro = Каждый импорт, публикация, архивирование и восстановление сохраняет пакет, который заменяет. Супервизор может вернуть прежнюю версию; все серверы покажут её в течение минуты, а текущий пакет тоже сохранится как версия.
content-versions-version = Версия
content-versions-made = Опубликована
content-versions-replaced = Заменена
content-versions-files = Файлов
content-versions-in-use = используется
content-versions-restore = Вернуть эту версию
content-versions-how-import = импорт
content-versions-how-publish = публикация
content-versions-how-archive = архивирование
content-versions-how-restore = восстановление v{ $version }
content-versions-how-bundled = пакет, входящий в Netreach
content-versions-no-such = Версии { $version } для восстановления нет.
content-versions-already-in-use = Версия { $version } уже используется.
content-versions-invalid = Версия { $version } больше не проходит проверку пакета, поэтому не восстановлена. Исправьте её в редакторе или импортируйте исправленный пакет.
flash-content-restored = Восстановлено: все серверы покажут эту версию в течение минуты.
alerts-text-en = Как будет опубликовано на английском
alerts-text-ru = Как будет опубликовано на русском
alerts-regions-shown = Регионы:
alerts-verifications = Подтверждений: { $count } из { $needed }. Нужны два разных человека или один супервизор.
alerts-verified-by-you = Вы уже подтвердили; нужно подтверждение ещё одного человека.
alerts-status-reported = на проверке
alerts-status-verified = подтверждено, не опубликовано
alerts-status-published = опубликовано
alerts-status-withdrawn = отозвано

## Sessions and the panic lock
account-session-started = Вход
account-session-last-seen = Последнее использование
account-session-this = это устройство
account-session-end = Выйти на этом устройстве
flash-session-ended = На том устройстве выполнен выход.
flash-panic = Экстренная блокировка выполнена: все сеансы сотрудников и все API-токены завершены на всех серверах. Всем нужно снова войти со своим паролем.
flash-user-revoked = Сотрудник выведен отовсюду: его сеансы и API-токены завершены.
users-revoke = Выйти отовсюду
panic-heading = Экстренная блокировка
panic-intro = Если устройство изъято или потеряно, при обыске или подозрении на взлом: завершает сеансы всех сотрудников на всех устройствах и все API-токены сразу, а серверы забывают ключи клиентов, которые держат в памяти. Пароли и доступ к входящим сохраняются; всем нужно войти заново.
panic-confirm = Да, вывести всех прямо сейчас, и меня тоже
panic-button = Включить экстренную блокировку
error-panic-confirm = Отметьте галочку для подтверждения: экстренная блокировка выводит всех, и вас тоже.
## Двухфакторный вход (TOTP)
login-code-title = Код для входа
login-error-code = Код неверный или уже использован. Введите код, который приложение показывает сейчас, или один из резервных кодов.
login-error-code-required = Для этой учётной записи включён двухфакторный вход: передайте код из приложения (или резервный код) в поле "totp".
login-error-expired = Вход занял слишком много времени. Начните заново с пароля.
login-start-again = Начать заново
field-totp-code = Код из приложения-аутентификатора или резервный код
field-totp-first-code = Шестизначный код, который приложение показывает сейчас
hint-totp-code = Шесть цифр из приложения или резервный код вида abcd-efgh-jkmn. Каждый код действует один раз.
totp-title = Двухфакторный вход
totp-intro = При двухфакторном входе нужны пароль и код из приложения-аутентификатора на телефоне (например, FreeOTP, Aegis или Google Authenticator), поэтому одного украденного пароля для входа недостаточно.
totp-status-on = Двухфакторный вход включён.
totp-status-off = Двухфакторный вход выключен.
totp-recovery-left = { $count ->
    [one] Остался { $count } резервный код.
    [few] Осталось { $count } резервных кода.
   *[many] Осталось { $count } резервных кодов.
}
totp-start = Настроить двухфакторный вход
totp-restart = Начать заново с новым ключом
totp-scan-heading = Добавьте Netreach в приложение
totp-scan = Отсканируйте этот QR-код приложением-аутентификатором.
totp-type-secret = Или введите этот ключ в приложение вручную:
totp-confirm = Включить двухфакторный вход
totp-enabled = Двухфакторный вход включён.
totp-recovery-title = Ваши резервные коды
totp-recovery-intro = Если вы потеряете телефон, каждый из этих кодов один раз заменит код из приложения. Запишите или распечатайте их сейчас и храните в надёжном месте отдельно от телефона.
totp-recovery-warning = Эти коды показываются только один раз. Netreach не хранит их в читаемом виде.
totp-recovery-continue = Я сохранил(а) резервные коды
totp-disable-heading = Выключить двухфакторный вход
totp-disable = Выключить двухфакторный вход
totp-required-hint = Ваша организация требует двухфакторный вход для вашей роли, поэтому его нельзя выключить. Если вы потеряете телефон и резервные коды, администратор может его сбросить.
totp-must-enrol = Ваша организация требует двухфакторный вход. Настройте его, чтобы продолжить.
totp-error-enabled = Двухфакторный вход уже включён. Чтобы настроить его заново, сначала выключите его.
totp-error-not-enabled = Для этой учётной записи двухфакторный вход не включён.
totp-error-not-started = Сначала начните настройку.
totp-error-code = Код неверный. Введите код, который приложение показывает сейчас (проверьте, что часы на телефоне идут верно).
totp-error-required = Ваша организация требует двухфакторный вход для вашей роли, поэтому его нельзя выключить.
account-totp-link = Настроить или изменить двухфакторный вход
users-totp-on = двухфакторный вход
users-totp-reset = Сбросить двухфакторный вход
flash-totp-off = Двухфакторный вход выключен.
flash-totp-reset = Двухфакторный вход сброшен. Сотрудник входит по паролю, пока не настроит его снова.
flash-totp-none = У этой учётной записи не было двухфакторного входа.

## Проверки первого запуска (панель администратора и `netreach config check`)
checklist-title = Прежде чем полагаться на этот сервер
checklist-intro = Эти пункты навредят в работе. Каждый исчезнет, когда его исправят.
checklist-all-good = Все проверки первого запуска пройдены.
check-public-url = public_url не задан: ссылки в ответах и публикациях будут относительными или пропадут, и сервер принимает любое имя хоста. Укажите адрес, по которому к вам заходят (https://… или http://….onion).
check-secure-cookies = Сайт работает по HTTPS или как onion-сервис, но secure_cookies = false: задайте secure_cookies = true.
check-emergency-number = Номер экстренной помощи в первой помощи всё ещё стандартный ({ $number }): задайте conversations.emergency_number — номер для вашего региона.
check-one-admin = Активен только один администратор: потерянный пароль или телефон закроет организации доступ. Создайте второго администратора.
check-no-backup = Резервных копий ещё не было: запустите netreach backup (см. раздел Backups в README) и настройте ежедневный запуск.
check-old-backup = Последней резервной копии { $days ->
    [one] { $days } день
    [few] { $days } дня
   *[other] { $days } дней
}: настройте ежедневный запуск netreach backup.
check-recovery-key = Никто не подтвердил, что ключ восстановления записан. Без него потеря всех паролей администраторов означает потерю всех разговоров.
check-recovery-key-confirm = Ключ восстановления записан и хранится офлайн
check-recovery-key-confirmed = Записано: ключ восстановления сохранён.
check-unreachable = { $what } настроен, но не отвечает: { $why }
recovery-key-words = Ключ восстановления: { $count } слов. Запишите каждое по порядку.
recovery-key-written = Я записал(а) ключ
telegram-bot-title = Telegram-бот
telegram-bot-intro = Собственный бот организации — второй путь к вам: клиенты, которые пишут ему, появляются во входящих как разговоры из Telegram, а ваши ответы уходят через него.
telegram-bot-none = Бот не подключён. Создайте его у @BotFather в Telegram (/newbot) и вставьте сюда его токен.
telegram-bot-username = Бот
telegram-bot-token = Токен
telegram-bot-mode = Получает сообщения через
telegram-bot-mode-polling = long polling (работает за NAT и через Tor)
telegram-bot-mode-webhook = вебхук
telegram-bot-connected = Подключён
telegram-bot-last-update = Последнее сообщение получено
telegram-bot-last-error = Последняя ошибка
telegram-bot-test = Проверить соединение
telegram-bot-test-ok = Telegram отвечает: бот @{ $username } работает.
telegram-bot-disconnect = Отключить
telegram-bot-replace = Заменить токен
telegram-bot-token-label = Токен бота от @BotFather
telegram-bot-token-hint = Хранится зашифрованным и больше не показывается. Перед сохранением Telegram подтверждает токен.
telegram-bot-connect = Подключить бота
telegram-bot-privacy-heading = Что говорится клиентам
telegram-bot-privacy = Приветствие бота сообщает клиентам, что Telegram видит их аккаунт и номер телефона и по решению суда может передать данные аккаунта властям, и предлагает сайт (в том числе через Tor) для всего чувствительного. Netreach хранит только id чата, запечатанный ключом входящих, и ключевой хеш, чтобы снова найти разговор: никогда не имя пользователя, имя, телефон или фото.
telegram-bot-webhook-note = Задан telegram.webhook_url: Telegram доставляет сообщения на /api/v1/telegram/webhook этого сервера с секретным токеном.
conversation-not-delivered = Не доставлено в Telegram.
conversation-resend = Отправить ещё раз
conversation-delivered = Доставлено в Telegram.
flash-resent = Ответ доставлен в Telegram.
flash-not-resent = Не удалось доставить ответ в Telegram. Попробуйте позже.
flash-bot-connected = Бот подключён.
flash-bot-disconnected = Бот отключён.
error-bot-token = Это не токен бота: он выглядит как 123456789:AA… и выдаётся @BotFather.
error-bot-refused = Telegram отклонил этот токен. Проверьте его у @BotFather или создайте новый.
error-bot-unreachable = Telegram не ответил. Проверьте соединение сервера (и telegram.api_base) и попробуйте снова.
error-bot-not-connected = Бот не подключён.
nav-telegram = Telegram-бот
attachment-locked = { $count ->
    [one] ({ $count } зашифрованное вложение: нет доступа к входящим)
    [few] ({ $count } зашифрованных вложения: нет доступа к входящим)
   *[many] ({ $count } зашифрованных вложений: нет доступа к входящим)
}
