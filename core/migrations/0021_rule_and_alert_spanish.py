"""Issue 25: the rules' texts in Spanish (`title_es`, `message_es`, `advice_es`), and the alerts' (`message_es`,
`advice_es`, `detail_es`, `worst_es`, filled when an alert is raised).

Self-contained (frozen values; core/default_rules.py holds the same for fresh installs). A rule gets the
Spanish of a text only while its English is still the default: a clinic's own English wording keeps
its Spanish empty (English is shown) until someone translates it in the rule admin. Alerts already
raised get the Spanish message and advice where theirs are the default English; their generated lines
(detail, worst) stay English only, and Spanish readers see the English (never a blank).
"""

from django.db import migrations, models

TEXTS = {
    "dryness-high": {
        "title": "High dryness",
        "message": "Your dryness is high today.",
        "advice": "Moisturize often, use lip balm and eye drops. If your eyes are painful or dry all the time, or your vision changes, stop taking isotretinoin and call your prescriber right away. If the dryness stays this high for a few days, tell your prescriber.",
        "title_es": "Resequedad alta",
        "message_es": "Su resequedad está alta hoy.",
        "advice_es": "Póngase crema humectante con frecuencia y use bálsamo para labios y gotas para los ojos. Si le duelen los ojos o los tiene secos todo el tiempo, o si cambia su vista, deje de tomar isotretinoína y llame de inmediato al médico que se la receta. Si la resequedad sigue así de alta por unos días, dígale a su médico.",
    },
    "dryness-persistent": {
        "title": "Persistent high dryness",
        "message": "Your dryness has been high for several days in a row.",
        "advice": "Tell your prescriber in the next day or two. If your eyes are painful or dry all the time, or your vision changes, stop taking isotretinoin and call your prescriber right away.",
        "title_es": "Resequedad alta persistente",
        "message_es": "Su resequedad ha estado alta varios días seguidos.",
        "advice_es": "Dígale a su médico en los próximos uno o dos días. Si le duelen los ojos o los tiene secos todo el tiempo, o si cambia su vista, deje de tomar isotretinoína y llame de inmediato al médico que se la receta.",
    },
    "mood-low": {
        "title": "Low mood",
        "message": "Your mood is low today.",
        "advice": "Stop taking isotretinoin and call your prescriber right away: the Medication Guide says to do this if you start to feel sad or have crying spells. If you feel unsafe, call or text 988, or call 911 if you are in danger.",
        "title_es": "Ánimo bajo",
        "message_es": "Su estado de ánimo está bajo hoy.",
        "advice_es": "Deje de tomar isotretinoína y llame de inmediato al médico que se la receta: la Guía del medicamento dice que lo haga si empieza a sentirse triste o tiene episodios de llanto. Si siente que no está a salvo, llame o envíe un mensaje de texto al 988, o llame al 911 si está en peligro.",
    },
    "mood-persistent-low": {
        "title": "Persistently low mood",
        "message": "Your mood has been low for several days in a row.",
        "advice": "Stop taking isotretinoin and call your prescriber right away. If you feel unsafe, call or text 988, or call 911 if you are in danger.",
        "title_es": "Ánimo bajo persistente",
        "message_es": "Su estado de ánimo ha estado bajo varios días seguidos.",
        "advice_es": "Deje de tomar isotretinoína y llame de inmediato al médico que se la receta. Si siente que no está a salvo, llame o envíe un mensaje de texto al 988, o llame al 911 si está en peligro.",
    },
    "mood-drop": {
        "title": "Sudden drop in mood",
        "message": "Your mood is much lower than in the past week.",
        "advice": "Stop taking isotretinoin and call your prescriber right away: the Medication Guide says to do this if you start to feel sad or have crying spells. If you feel unsafe, call or text 988, or call 911 if you are in danger.",
        "title_es": "Caída repentina del ánimo",
        "message_es": "Su estado de ánimo está mucho más bajo que en la semana anterior.",
        "advice_es": "Deje de tomar isotretinoína y llame de inmediato al médico que se la receta: la Guía del medicamento dice que lo haga si empieza a sentirse triste o tiene episodios de llanto. Si siente que no está a salvo, llame o envíe un mensaje de texto al 988, o llame al 911 si está en peligro.",
    },
    "sun-unprotected": {
        "title": "Sun without sunscreen",
        "message": "You spent a while in the sun without sunscreen.",
        "advice": "Isotretinoin makes your skin more sensitive to sunlight: avoid the sun as much as you can, cover up, seek shade and use a broad-spectrum sunscreen.",
        "title_es": "Sol sin protector solar",
        "message_es": "Pasó un buen rato al sol sin protector solar.",
        "advice_es": "La isotretinoína hace que su piel sea más sensible a la luz del sol: evite el sol lo más que pueda, cúbrase, busque la sombra y use un protector solar de amplio espectro.",
    },
    "sunburn": {
        "title": "Sunburn",
        "message": "You reported sunburn.",
        "advice": "Cool and moisturize the skin, keep out of the sun until it heals, and protect your skin from now on.",
        "title_es": "Quemadura de sol",
        "message_es": "Usted reportó una quemadura de sol.",
        "advice_es": "Refresque e hidrate la piel, no se exponga al sol hasta que sane y, de ahora en adelante, proteja su piel.",
    },
    "sunburn-blistering": {
        "title": "Blistering sunburn",
        "message": "You reported blistering sunburn.",
        "advice": "Contact your prescriber or a doctor today. Do not burst the blisters.",
        "title_es": "Quemadura de sol con ampollas",
        "message_es": "Usted reportó una quemadura de sol con ampollas.",
        "advice_es": "Comuníquese con su médico o con otro médico hoy. No reviente las ampollas.",
    },
    "red-flag": {
        "title": "Red-flag symptom",
        "message": "You reported a symptom that needs medical attention.",
        "advice": "Do what the advice for each sign you reported says (below). Call 911 for hives, a swollen face or mouth, or trouble breathing; for signs of a stroke; and for a seizure that is a first seizure, lasts over 5 minutes, is followed by another, leaves the person with trouble breathing or waking up, or hurt, happens in water, or happens to someone who is pregnant.",
        "title_es": "Síntoma de alarma",
        "message_es": "Usted reportó un síntoma que necesita atención médica.",
        "advice_es": "Haga lo que dice el consejo para cada síntoma que reportó (abajo). Llame al 911 si tiene ronchas, la cara o la boca hinchadas, o dificultad para respirar; si tiene señales de un accidente cerebrovascular (derrame cerebral); y si una convulsión es la primera, dura más de 5 minutos, le sigue otra, deja a la persona con dificultad para respirar o para despertar, o lastimada, ocurre en el agua o le ocurre a alguien que está embarazada.",
    },
    "self-harm": {
        "title": "Thoughts of self-harm",
        "message": "You told us you have thoughts of harming yourself.",
        "advice": "You are not alone. Get help now: call or text 988, or call 911 if you are in danger. Then stop taking isotretinoin and call your prescriber right away.",
        "title_es": "Pensamientos de hacerse daño",
        "message_es": "Usted nos dijo que tiene pensamientos de hacerse daño.",
        "advice_es": "No está solo ni sola. Busque ayuda ahora: llame o envíe un mensaje de texto al 988, o llame al 911 si está en peligro. Después, deje de tomar isotretinoína y llame de inmediato al médico que se la receta.",
    },
    "phq2-positive": {
        "title": "PHQ-2 positive",
        "message": "Your mood check shows you have felt down or lost interest in things on many days.",
        "advice": "Stop taking isotretinoin and call your prescriber right away: the Medication Guide says to do this if you start to feel sad or lose interest in activities you once enjoyed. If you feel unsafe, call or text 988, or call 911 if you are in danger.",
        "title_es": "PHQ-2 positivo",
        "message_es": "Su evaluación del estado de ánimo muestra que muchos días ha tenido el ánimo decaído o poco interés en las cosas.",
        "advice_es": "Deje de tomar isotretinoína y llame de inmediato al médico que se la receta: la Guía del medicamento dice que lo haga si empieza a sentirse triste o pierde el interés en actividades que antes disfrutaba. Si siente que no está a salvo, llame o envíe un mensaje de texto al 988, o llame al 911 si está en peligro.",
    },
    "phq9-moderate": {
        "title": "PHQ-9 moderate or moderately severe",
        "message": "Your mood check shows moderate or moderately severe symptoms of depression.",
        "advice": "Stop taking isotretinoin and call your prescriber right away: the Medication Guide says to do this if you have signs of depression. If you feel unsafe, call or text 988, or call 911 if you are in danger.",
        "title_es": "PHQ-9 moderado o moderadamente grave",
        "message_es": "Su evaluación del estado de ánimo muestra síntomas de depresión moderados o moderadamente graves.",
        "advice_es": "Deje de tomar isotretinoína y llame de inmediato al médico que se la receta: la Guía del medicamento dice que lo haga si tiene señales de depresión. Si siente que no está a salvo, llame o envíe un mensaje de texto al 988, o llame al 911 si está en peligro.",
    },
    "phq9-severe": {
        "title": "PHQ-9 severe",
        "message": "Your mood check shows severe symptoms of depression.",
        "advice": "Stop taking isotretinoin and call your prescriber right away. If you feel unsafe, call or text 988, or call 911 if you are in danger.",
        "title_es": "PHQ-9 grave",
        "message_es": "Su evaluación del estado de ánimo muestra síntomas graves de depresión.",
        "advice_es": "Deje de tomar isotretinoína y llame de inmediato al médico que se la receta. Si siente que no está a salvo, llame o envíe un mensaje de texto al 988, o llame al 911 si está en peligro.",
    },
    "phq9-item9": {
        "title": "PHQ-9 item 9 (thoughts of death or self-harm)",
        "message": "You told us you have had thoughts that you would be better off dead or of hurting yourself.",
        "advice": "You are not alone. Get help now: call or text 988, or call 911 if you are in danger. Then stop taking isotretinoin and call your prescriber right away.",
        "title_es": "PHQ-9 pregunta 9 (pensamientos de muerte o de hacerse daño)",
        "message_es": "Usted nos dijo que ha tenido pensamientos de que estaría mejor muerto(a) o de hacerse daño.",
        "advice_es": "No está solo ni sola. Busque ayuda ahora: llame o envíe un mensaje de texto al 988, o llame al 911 si está en peligro. Después, deje de tomar isotretinoína y llame de inmediato al médico que se la receta.",
    },
    "pregnancy-test-due": {
        "title": "Pregnancy test missed",
        "message": "Your pregnancy test is overdue.",
        "advice": "Have your test as soon as possible and log the result: your next prescription depends on it.",
        "title_es": "Prueba de embarazo atrasada",
        "message_es": "Su prueba de embarazo está atrasada.",
        "advice_es": "Hágase la prueba lo antes posible y anote el resultado: su próxima receta depende de ella.",
    },
    "pregnancy-positive": {
        "title": "Positive pregnancy test",
        "message": "You logged a positive pregnancy test.",
        "advice": "Stop taking isotretinoin now and call your prescriber today.",
        "title_es": "Prueba de embarazo positiva",
        "message_es": "Usted anotó una prueba de embarazo positiva.",
        "advice_es": "Deje de tomar isotretinoína ahora y llame hoy al médico que se la receta.",
    },
    "pregnancy-risk": {
        "title": "Missed period or sex without two forms of birth control",
        "message": "You reported a missed period or sex without two forms of birth control.",
        "advice": "Stop taking isotretinoin and call your prescriber right away: isotretinoin causes severe birth defects. If you had sex without two forms of birth control, ask about emergency contraception as soon as possible.",
        "title_es": "Falta del período o relaciones sexuales sin dos métodos anticonceptivos",
        "message_es": "Usted reportó que no le llegó el período o que tuvo relaciones sexuales sin usar dos métodos anticonceptivos.",
        "advice_es": "Deje de tomar isotretinoína y llame de inmediato al médico que se la receta: la isotretinoína causa defectos de nacimiento graves. Si tuvo relaciones sexuales sin dos métodos anticonceptivos, pregunte por la anticoncepción de emergencia lo antes posible.",
    },
}
FIELDS = ("title", "message", "advice")


def forwards(apps, schema_editor):
    Rule = apps.get_model("core", "Rule")
    Alert = apps.get_model("core", "Alert")
    for code, texts in TEXTS.items():
        for name in FIELDS:
            Rule.objects.filter(code=code, **{name: texts[name], f"{name}_es": ""}).update(
                **{f"{name}_es": texts[f"{name}_es"]})
        for name in ("message", "advice"):
            Alert.objects.filter(rule_code=code, **{name: texts[name], f"{name}_es__isnull": True}).update(
                **{f"{name}_es": texts[f"{name}_es"]})


class Migration(migrations.Migration):
    dependencies = [("core", "0020_patient_language")]

    operations = [
        # Nullable: SQLite adds the alert's columns in place (a rebuilt table would lose its triggers).
        migrations.AddField(
            model_name="alert", name="advice_es", field=models.CharField(blank=True, max_length=500, null=True),
        ),
        migrations.AddField(
            model_name="alert", name="detail_es",
            field=models.CharField(blank=True, max_length=300, null=True, verbose_name="latest value (Spanish)"),
        ),
        migrations.AddField(
            model_name="alert", name="message_es", field=models.CharField(blank=True, max_length=300, null=True),
        ),
        migrations.AddField(
            model_name="alert", name="worst_es",
            field=models.CharField(blank=True, max_length=300, null=True, verbose_name="worst value (Spanish)"),
        ),
        migrations.AddField(
            model_name="rule", name="advice_es",
            field=models.CharField(blank=True, max_length=500, verbose_name="what to do (Spanish)"),
        ),
        migrations.AddField(
            model_name="rule", name="message_es",
            field=models.CharField(blank=True, max_length=300, verbose_name="one-line explanation (Spanish)"),
        ),
        migrations.AddField(
            model_name="rule", name="title_es",
            field=models.CharField(blank=True, max_length=100, verbose_name="title (Spanish)"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
