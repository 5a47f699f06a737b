"""The words of the pack's own interface, per language: the study widgets' buttons, verdicts
and stats, and the student notebook and form of `studypack assign`.

Content (cards, questions, notes) is translated in translations/; this is the frame around
it. `interface_text(language)` gives a language's table with English for anything missing.
Entries with {braces} are `str.format` templates; keep the names inside the braces.
"""
from __future__ import annotations

ENGLISH = {
    # flashcards
    "topic": "topic",
    "all topics": "all topics",
    "all cards": "all cards",
    "due now": "due now",
    "flip": "Flip",
    "flip tooltip": "show the other side",
    "previous": "Previous",
    "next": "Next",
    "shuffle": "Shuffle",
    "again": "Again",
    "hard": "Hard",
    "good": "Good",
    "easy": "Easy",
    "card position": "Card {position} of {total}",
    "recall then flip": "Recall the answer, then flip.",
    "nothing due": ("<b>Nothing is due now.</b> Well done! Come back later, or switch to "
                    "<i>all cards</i> to keep practising."),
    "no cards for topic": "No cards match this topic.",
    "stats line": (
        "Reviewed today: <b>{today}</b> · "
        "due now: <b>{due}</b> to review + <b>{new}</b> new · "
        "retention estimate: <b>{retention}</b>"),
    "no reviews yet": "no reviews yet",
    "minutes": "{n} min",
    "hours": "{n} h",
    "days": "{n} d",
    # quiz
    "one at a time": "one at a time",
    "all at once": "all at once",
    "finish": "Finish",
    "finish tooltip": "end this attempt and see the score",
    "new attempt": "New attempt",
    "new attempt tooltip": "new order, new numbers",
    "question number": "Question {number}",
    "your answer": "your answer",
    "tick every right one": "tick every right one:",
    "number placeholder": "a number, e.g. 0.25",
    "check": "Check",
    "choose an option": "Choose an option first.",
    "tick an option": "Tick at least one option first.",
    "type a number": "Please type a number (you typed “{typed}”), e.g. 0.25, -1.5 or 1/4.",
    "type a number first": "Type a number first, e.g. 0.25, -1.5 or 1/4.",
    "correct": "✔ Correct.",
    "partly right": "Partly right: {points} of {max_points} point.",
    "not quite": "✘ Not quite.",
    "you chose it": "you chose it",
    "right option not chosen": "a right option you did not choose",
    "answer was": "The answer is {expected}; you answered {given}.",
    "why": "Why:",
    "no answer": "no answer",
    "attempt progress": ("Attempt {attempt} · {where}{checked} checked · "
                         "score so far {score} / {checked}"),
    "where in quiz": "Question {position} of {total} · ",
    "score": "Score: {score} / {max_score} ({percent})",
    "all right": "Every answer was right. Well done!",
    "review missed": ("Review the questions you missed ({count}); press <i>New attempt</i> to "
                      "practise again:"),
    "not answered": "Not answered.",
    "your answer was": "Your answer: {given}. Right answer: {expected}.",
    # assignments (studypack assign): the student notebook and form
    "assignment notebook intro": (
        "{count} questions. Run the cell below (Shift+Enter), type your name, answer the "
        "questions and press **Save**. Your answers are saved in `{responses}` next to this "
        "notebook; you may save as often as you like (each save replaces the last). Hand in "
        "`{responses}`."),
    "assignment instructions": ("Type your name, answer the questions, then press <b>Save</b>. "
                                "You can change answers and save again."),
    "your name": "your name",
    "name placeholder": "first and last name",
    "name needed": "Type your name first, so that your answers can be graded.",
    "save": "Save",
    "saved answers shown": "Your answers saved at {saved_at} are shown.",
    "not saved because": "Not saved: {problem}",
    "saved summary": "Saved {saved} of {total} answers for {student} at {saved_at} in {file}:",
    "not answered yet": "Not answered yet: question {numbers}.",
    "unreadable number": "question {number} (“{typed}” is not a number, e.g. 0.25 or -1.5)",
    "not saved list": "Not saved: {items}.",
    # notes
    "note": "note",
    "previous note": "Previous note",
    "next note": "Next note",
    "review cards": "Review its {count} cards",
    "practise questions": "Practise its {count} questions",
    "go further": "Go further",
    "lesson link": "Lesson: {link}",
    "cards on this subject": "Cards on this subject ({count})",
    "questions on this subject": "Questions on this subject ({count})",
    # progress overview
    "learner": "Learner",
    "refresh": "Refresh",
    "refresh tooltip": "read the progress file again",
    "lessons visited": "Lessons: {seen} of {total} visited",
    "flashcards": "Flashcards",
    "card figures": ("Due now: <b>{due}</b> · never studied: <b>{new}</b> · reviewed today: "
                     "<b>{today}</b> · retention estimate: <b>{retention}</b>"),
    "quizzes": "Quizzes",
    "no quiz yet": "No quiz finished yet.",
    "best scores": "Quizzes: best scores",
    "best score": "{quiz}: best <b>{score} / {max_score}</b> ({percent})",
    # progress that could not be saved or read (shown in the widget where it happened)
    "attempt not saved": ("Your finished attempt is not saved yet. It is kept here, so nothing "
                          "is lost."),
    "rating not saved": ("Your rating of this card is not saved yet. It is kept here, so "
                         "nothing is lost."),
    "visit not saved": "Your visit to this lesson could not be recorded.",
    "progress not read": "Your progress could not be read.",
    "save again": "Save again",
    "saved now": "✔ Saved.",
    "progress damaged": ("Your progress file was damaged: it was put aside unchanged (nothing "
                         "was deleted) and your progress starts afresh."),
    "details": "Details:",
    "problem locked": ("Another notebook is using your progress file. Wait a moment, then try "
                       "again."),
    "problem disk full": "The disk is full. Free some space, then try again.",
    "problem no permission": ("You may not write to your progress file or its folder. Get "
                              "access to it, or set STUDYPACK_HOME to a folder of your own, "
                              "then try again."),
    "problem not a file": ("Something else (a folder, for example) is where your progress file "
                           "should be. Move it away, then try again."),
    "problem newer version": ("Your progress file was written by a newer studypack. Upgrade "
                              "studypack (pip install -U studypack), then try again."),
    "problem other": ("Your progress file could not be used (see the details). Check the disk "
                      "and the folder, then try again."),
}

# Other languages: filled in from the English table above, same keys.
TRANSLATED: dict[str, dict[str, str]] = {
    "it": {
        # flashcards
        "topic": "argomento",
        "all topics": "tutti gli argomenti",
        "all cards": "tutte le schede",
        "due now": "da ripassare ora",
        "flip": "Gira",
        "flip tooltip": "mostra l'altro lato",
        "previous": "Precedente",
        "next": "Successiva",
        "shuffle": "Mescola",
        "again": "Di nuovo",
        "hard": "Difficile",
        "good": "Bene",
        "easy": "Facile",
        "card position": "Scheda {position} di {total}",
        "recall then flip": "Ricorda la risposta, poi gira la scheda.",
        "nothing due": ("<b>Niente da ripassare ora.</b> Ottimo lavoro! Torna più tardi, oppure "
                        "passa a <i>tutte le schede</i> per continuare a esercitarti."),
        "no cards for topic": "Nessuna scheda per questo argomento.",
        "stats line": (
            "Ripassate oggi: <b>{today}</b> · "
            "ora: <b>{due}</b> da ripassare + <b>{new}</b> nuove · "
            "ritenzione stimata: <b>{retention}</b>"),
        "no reviews yet": "ancora nessun ripasso",
        "minutes": "{n} min",
        "hours": "{n} h",
        "days": "{n} g",
        # quiz
        "one at a time": "una alla volta",
        "all at once": "tutte insieme",
        "finish": "Termina",
        "finish tooltip": "chiudi questo tentativo e vedi il punteggio",
        "new attempt": "Nuovo tentativo",
        "new attempt tooltip": "nuovo ordine, nuovi numeri",
        "question number": "Domanda {number}",
        "your answer": "la tua risposta",
        "tick every right one": "seleziona tutte quelle giuste:",
        "number placeholder": "un numero, ad es. 0,25",
        "check": "Verifica",
        "choose an option": "Prima scegli un'opzione.",
        "tick an option": "Prima seleziona almeno un'opzione.",
        "type a number": "Scrivi un numero (hai scritto «{typed}»), ad es. 0,25; -1,5 o 1/4.",
        "type a number first": "Scrivi prima un numero, ad es. 0,25; -1,5 o 1/4.",
        "correct": "✔ Corretto.",
        "partly right": "Parzialmente corretta: {points} su {max_points} punto.",
        "not quite": "✘ Non proprio.",
        "you chose it": "l'hai scelta tu",
        "right option not chosen": "un'opzione giusta che non hai scelto",
        "answer was": "La risposta è {expected}; hai risposto {given}.",
        "why": "Perché:",
        "no answer": "nessuna risposta",
        "attempt progress": ("Tentativo {attempt} · {where}verificate: {checked} · "
                             "punteggio finora {score} / {checked}"),
        "where in quiz": "Domanda {position} di {total} · ",
        "score": "Punteggio: {score} / {max_score} ({percent})",
        "all right": "Tutte le risposte erano giuste. Ottimo lavoro!",
        "review missed": ("Rivedi le domande sbagliate ({count}); premi <i>Nuovo tentativo</i> "
                          "per esercitarti ancora:"),
        "not answered": "Senza risposta.",
        "your answer was": "La tua risposta: {given}. Risposta giusta: {expected}.",
        # assignments (studypack assign): the student notebook and form
        "assignment notebook intro": (
            "{count} domande. Esegui la cella qui sotto (Maiusc+Invio), scrivi il tuo nome, "
            "rispondi alle domande e premi **Salva**. Le tue risposte vengono salvate in "
            "`{responses}` accanto a questo notebook; puoi salvare tutte le volte che vuoi "
            "(ogni salvataggio sostituisce il precedente). Consegna `{responses}`."),
        "assignment instructions": ("Scrivi il tuo nome, rispondi alle domande, poi premi "
                                    "<b>Salva</b>. Puoi modificare le risposte e salvare di "
                                    "nuovo."),
        "your name": "il tuo nome",
        "name placeholder": "nome e cognome",
        "name needed": "Scrivi prima il tuo nome, così le tue risposte potranno essere valutate.",
        "save": "Salva",
        "saved answers shown": "Ecco le tue risposte salvate il {saved_at}.",
        "not saved because": "Salvataggio non riuscito: {problem}",
        "saved summary": ("Salvate {saved} risposte su {total} per {student} il {saved_at} "
                          "in {file}:"),
        "not answered yet": "Domande ancora senza risposta: {numbers}.",
        "unreadable number": "domanda {number} («{typed}» non è un numero, ad es. 0,25 o -1,5)",
        "not saved list": "Risposte non salvate: {items}.",
        # notes
        "note": "nota",
        "previous note": "Nota precedente",
        "next note": "Nota successiva",
        "review cards": "Ripassa le {count} schede collegate",
        "practise questions": "Esercitati con le {count} domande collegate",
        "go further": "Per approfondire",
        "lesson link": "Lezione: {link}",
        "cards on this subject": "Schede su questo argomento ({count})",
        "questions on this subject": "Domande su questo argomento ({count})",
        # progress overview
        "learner": "Studente",
        "refresh": "Aggiorna",
        "refresh tooltip": "rileggi il file dei progressi",
        "lessons visited": "Lezioni visitate: {seen} su {total}",
        "flashcards": "Flashcard",
        "card figures": ("Da ripassare ora: <b>{due}</b> · mai studiate: <b>{new}</b> · "
                         "ripassate oggi: <b>{today}</b> · "
                         "ritenzione stimata: <b>{retention}</b>"),
        "quizzes": "Quiz",
        "no quiz yet": "Nessun quiz ancora completato.",
        "best scores": "Quiz: punteggi migliori",
        "best score": "{quiz}: miglior risultato <b>{score} / {max_score}</b> ({percent})",
        # progress that could not be saved or read
        "attempt not saved": ("Il tuo tentativo concluso non è ancora salvato. Resta conservato "
                              "qui, quindi non si perde nulla."),
        "rating not saved": ("La tua valutazione di questa scheda non è ancora salvata. Resta "
                             "conservata qui, quindi non si perde nulla."),
        "visit not saved": "Non è stato possibile registrare la tua visita a questa lezione.",
        "progress not read": "Non è stato possibile leggere i tuoi progressi.",
        "save again": "Salva di nuovo",
        "saved now": "✔ Salvato.",
        "progress damaged": ("Il tuo file dei progressi era danneggiato: è stato messo da parte "
                             "senza modifiche (non è stato cancellato nulla) e i tuoi progressi "
                             "ripartono da zero."),
        "details": "Dettagli:",
        "problem locked": ("Un altro notebook sta usando il tuo file dei progressi. Attendi un "
                           "momento, poi riprova."),
        "problem disk full": "Il disco è pieno. Libera un po' di spazio, poi riprova.",
        "problem no permission": ("Non hai il permesso di scrivere nel tuo file dei progressi o "
                                  "nella sua cartella. Chiedi l'accesso, oppure imposta "
                                  "STUDYPACK_HOME su una cartella tua, poi riprova."),
        "problem not a file": ("Al posto del tuo file dei progressi c'è qualcos'altro (per "
                               "esempio una cartella). Spostalo altrove, poi riprova."),
        "problem newer version": ("Il tuo file dei progressi è stato scritto da una versione "
                                  "più recente di studypack. Aggiorna studypack (pip install -U "
                                  "studypack), poi riprova."),
        "problem other": ("Non è stato possibile usare il tuo file dei progressi (vedi i "
                          "dettagli). Controlla il disco e la cartella, poi riprova."),
    },
    "fr": {
        # flashcards
        "topic": "thème",
        "all topics": "tous les thèmes",
        "all cards": "toutes les fiches",
        "due now": "à réviser maintenant",
        "flip": "Retourner",
        "flip tooltip": "afficher l'autre face",
        "previous": "Précédente",
        "next": "Suivante",
        "shuffle": "Mélanger",
        "again": "À revoir",
        "hard": "Difficile",
        "good": "Correct",
        "easy": "Facile",
        "card position": "Fiche {position} sur {total}",
        "recall then flip": "Retrouvez la réponse, puis retournez la fiche.",
        "nothing due": ("<b>Rien à réviser pour le moment.</b> Bravo ! Revenez plus tard, ou "
                        "passez à <i>toutes les fiches</i> pour continuer à vous entraîner."),
        "no cards for topic": "Aucune fiche pour ce thème.",
        "stats line": (
            "Révisées aujourd'hui : <b>{today}</b> · "
            "maintenant : <b>{due}</b> à réviser + <b>{new}</b> nouvelles · "
            "rétention estimée : <b>{retention}</b>"),
        "no reviews yet": "pas encore de révision",
        "minutes": "{n} min",
        "hours": "{n} h",
        "days": "{n} j",
        # quiz
        "one at a time": "une par une",
        "all at once": "toutes à la fois",
        "finish": "Terminer",
        "finish tooltip": "terminer cette tentative et voir le score",
        "new attempt": "Nouvelle tentative",
        "new attempt tooltip": "nouvel ordre, nouveaux nombres",
        "question number": "Question {number}",
        "your answer": "votre réponse",
        "tick every right one": "cochez toutes les bonnes réponses :",
        "number placeholder": "un nombre, p. ex. 0,25",
        "check": "Vérifier",
        "choose an option": "Choisissez d'abord une option.",
        "tick an option": "Cochez d'abord au moins une option.",
        "type a number": ("Saisissez un nombre (vous avez saisi « {typed} »), "
                          "p. ex. 0,25 ; -1,5 ou 1/4."),
        "type a number first": "Saisissez d'abord un nombre, p. ex. 0,25 ; -1,5 ou 1/4.",
        "correct": "✔ Bonne réponse.",
        "partly right": "En partie juste : {points} point sur {max_points}.",
        "not quite": "✘ Pas tout à fait.",
        "you chose it": "votre choix",
        "right option not chosen": "une bonne option que vous n'avez pas choisie",
        "answer was": "La réponse est {expected} ; vous avez répondu {given}.",
        "why": "Pourquoi :",
        "no answer": "pas de réponse",
        "attempt progress": ("Tentative {attempt} · {where}vérifiées : {checked} · "
                             "score actuel {score} / {checked}"),
        "where in quiz": "Question {position} sur {total} · ",
        "score": "Score : {score} / {max_score} ({percent})",
        "all right": "Toutes les réponses étaient justes. Bravo !",
        "review missed": ("Revoyez les questions manquées ({count}) ; cliquez sur "
                          "<i>Nouvelle tentative</i> pour vous entraîner à nouveau :"),
        "not answered": "Sans réponse.",
        "your answer was": "Votre réponse : {given}. Bonne réponse : {expected}.",
        # assignments (studypack assign): the student notebook and form
        "assignment notebook intro": (
            "{count} questions. Exécutez la cellule ci-dessous (Maj+Entrée), saisissez votre "
            "nom, répondez aux questions et cliquez sur **Enregistrer**. Vos réponses sont "
            "enregistrées dans `{responses}`, à côté de ce notebook ; vous pouvez enregistrer "
            "aussi souvent que vous le souhaitez (chaque enregistrement remplace le précédent). "
            "Rendez le fichier `{responses}`."),
        "assignment instructions": ("Saisissez votre nom, répondez aux questions, puis cliquez "
                                    "sur <b>Enregistrer</b>. Vous pouvez modifier vos réponses "
                                    "et enregistrer à nouveau."),
        "your name": "votre nom",
        "name placeholder": "prénom et nom",
        "name needed": "Saisissez d'abord votre nom, pour que vos réponses puissent être notées.",
        "save": "Enregistrer",
        "saved answers shown": "Vos réponses enregistrées le {saved_at} sont affichées.",
        "not saved because": "Non enregistré : {problem}",
        "saved summary": ("{saved} réponses sur {total} enregistrées pour {student} "
                          "le {saved_at} dans {file} :"),
        "not answered yet": "Questions encore sans réponse : {numbers}.",
        "unreadable number": ("question {number} (« {typed} » n'est pas un nombre, "
                              "p. ex. 0,25 ou -1,5)"),
        "not saved list": "Réponses non enregistrées : {items}.",
        # notes
        "note": "note",
        "previous note": "Note précédente",
        "next note": "Note suivante",
        "review cards": "Réviser les {count} fiches associées",
        "practise questions": "S'entraîner sur les {count} questions associées",
        "go further": "Pour aller plus loin",
        "lesson link": "Leçon : {link}",
        "cards on this subject": "Fiches sur ce sujet ({count})",
        "questions on this subject": "Questions sur ce sujet ({count})",
        # progress overview
        "learner": "Apprenant",
        "refresh": "Actualiser",
        "refresh tooltip": "relire le fichier de progression",
        "lessons visited": "Leçons vues : {seen} sur {total}",
        "flashcards": "Fiches",
        "card figures": ("À réviser maintenant : <b>{due}</b> · jamais étudiées : <b>{new}</b> · "
                         "révisées aujourd'hui : <b>{today}</b> · "
                         "rétention estimée : <b>{retention}</b>"),
        "quizzes": "Quiz",
        "no quiz yet": "Aucun quiz terminé pour l'instant.",
        "best scores": "Quiz : meilleurs scores",
        "best score": "{quiz} : meilleur score <b>{score} / {max_score}</b> ({percent})",
        # progress that could not be saved or read
        "attempt not saved": ("Votre tentative terminée n'est pas encore enregistrée. Elle est "
                              "conservée ici : rien n'est perdu."),
        "rating not saved": ("Votre évaluation de cette fiche n'est pas encore enregistrée. "
                             "Elle est conservée ici : rien n'est perdu."),
        "visit not saved": "Votre visite de cette leçon n'a pas pu être enregistrée.",
        "progress not read": "Votre progression n'a pas pu être lue.",
        "save again": "Réessayer d'enregistrer",
        "saved now": "✔ Enregistré.",
        "progress damaged": ("Votre fichier de progression était endommagé : il a été mis de "
                             "côté sans modification (rien n'a été supprimé) et votre "
                             "progression repart de zéro."),
        "details": "Détails :",
        "problem locked": ("Un autre notebook utilise votre fichier de progression. Attendez un "
                           "instant, puis réessayez."),
        "problem disk full": "Le disque est plein. Libérez de l'espace, puis réessayez.",
        "problem no permission": ("Vous n'avez pas le droit d'écrire dans votre fichier de "
                                  "progression ou dans son dossier. Demandez-en l'accès, ou "
                                  "donnez à STUDYPACK_HOME un dossier à vous, puis réessayez."),
        "problem not a file": ("Autre chose (un dossier, par exemple) occupe la place de votre "
                               "fichier de progression. Déplacez-le, puis réessayez."),
        "problem newer version": ("Votre fichier de progression a été écrit par une version "
                                  "plus récente de studypack. Mettez studypack à jour (pip "
                                  "install -U studypack), puis réessayez."),
        "problem other": ("Votre fichier de progression n'a pas pu être utilisé (voir les "
                          "détails). Vérifiez le disque et le dossier, puis réessayez."),
    },
    "pt": {
        # flashcards
        "topic": "tema",
        "all topics": "todos os temas",
        "all cards": "todos os cartões",
        "due now": "para rever agora",
        "flip": "Virar",
        "flip tooltip": "mostrar o outro lado",
        "previous": "Anterior",
        "next": "Seguinte",
        "shuffle": "Baralhar",
        "again": "De novo",
        "hard": "Difícil",
        "good": "Bom",
        "easy": "Fácil",
        "card position": "Cartão {position} de {total}",
        "recall then flip": "Lembre-se da resposta e depois vire o cartão.",
        "nothing due": ("<b>Não há nada para rever agora.</b> Muito bem! Volte mais tarde ou "
                        "mude para <i>todos os cartões</i> para continuar a praticar."),
        "no cards for topic": "Não há cartões sobre este tema.",
        "stats line": (
            "Revistos hoje: <b>{today}</b> · "
            "agora: <b>{due}</b> para rever + <b>{new}</b> novos · "
            "retenção estimada: <b>{retention}</b>"),
        "no reviews yet": "ainda sem revisões",
        "minutes": "{n} min",
        "hours": "{n} h",
        "days": "{n} d",
        # quiz
        "one at a time": "uma de cada vez",
        "all at once": "todas de uma vez",
        "finish": "Terminar",
        "finish tooltip": "terminar esta tentativa e ver a pontuação",
        "new attempt": "Nova tentativa",
        "new attempt tooltip": "nova ordem, novos números",
        "question number": "Pergunta {number}",
        "your answer": "a sua resposta",
        "tick every right one": "assinale todas as corretas:",
        "number placeholder": "um número, p. ex. 0,25",
        "check": "Verificar",
        "choose an option": "Escolha primeiro uma opção.",
        "tick an option": "Assinale primeiro pelo menos uma opção.",
        "type a number": "Escreva um número (escreveu «{typed}»), p. ex. 0,25; -1,5 ou 1/4.",
        "type a number first": "Escreva primeiro um número, p. ex. 0,25; -1,5 ou 1/4.",
        "correct": "✔ Correto.",
        "partly right": "Parcialmente certa: {points} de {max_points} ponto.",
        "not quite": "✘ Não é bem isso.",
        "you chose it": "escolhida por si",
        "right option not chosen": "uma opção certa que não escolheu",
        "answer was": "A resposta é {expected}; respondeu {given}.",
        "why": "Porquê:",
        "no answer": "sem resposta",
        "attempt progress": ("Tentativa {attempt} · {where}verificadas: {checked} · "
                             "pontuação até agora {score} / {checked}"),
        "where in quiz": "Pergunta {position} de {total} · ",
        "score": "Pontuação: {score} / {max_score} ({percent})",
        "all right": "Todas as respostas estavam certas. Muito bem!",
        "review missed": ("Reveja as perguntas que falhou ({count}); carregue em "
                          "<i>Nova tentativa</i> para praticar de novo:"),
        "not answered": "Sem resposta.",
        "your answer was": "A sua resposta: {given}. Resposta certa: {expected}.",
        # assignments (studypack assign): the student notebook and form
        "assignment notebook intro": (
            "{count} perguntas. Execute a célula abaixo (Shift+Enter), escreva o seu nome, "
            "responda às perguntas e carregue em **Guardar**. As suas respostas são guardadas "
            "em `{responses}`, junto a este notebook; pode guardar quantas vezes quiser (cada "
            "gravação substitui a anterior). Entregue o ficheiro `{responses}`."),
        "assignment instructions": ("Escreva o seu nome, responda às perguntas e depois "
                                    "carregue em <b>Guardar</b>. Pode alterar as respostas e "
                                    "guardar de novo."),
        "your name": "o seu nome",
        "name placeholder": "nome e apelido",
        "name needed": ("Escreva primeiro o seu nome, para que as suas respostas possam ser "
                        "avaliadas."),
        "save": "Guardar",
        "saved answers shown": "São mostradas as suas respostas guardadas em {saved_at}.",
        "not saved because": "Não foi guardado: {problem}",
        "saved summary": ("Guardadas {saved} de {total} respostas de {student} em {saved_at} "
                          "no ficheiro {file}:"),
        "not answered yet": "Perguntas ainda sem resposta: {numbers}.",
        "unreadable number": "pergunta {number} («{typed}» não é um número, p. ex. 0,25 ou -1,5)",
        "not saved list": "Respostas não guardadas: {items}.",
        # notes
        "note": "nota",
        "previous note": "Nota anterior",
        "next note": "Nota seguinte",
        "review cards": "Rever os {count} cartões relacionados",
        "practise questions": "Praticar as {count} perguntas relacionadas",
        "go further": "Para saber mais",
        "lesson link": "Lição: {link}",
        "cards on this subject": "Cartões sobre este assunto ({count})",
        "questions on this subject": "Perguntas sobre este assunto ({count})",
        # progress overview
        "learner": "Estudante",
        "refresh": "Atualizar",
        "refresh tooltip": "voltar a ler o ficheiro de progresso",
        "lessons visited": "Lições vistas: {seen} de {total}",
        "flashcards": "Cartões",
        "card figures": ("Para rever agora: <b>{due}</b> · nunca estudados: <b>{new}</b> · "
                         "revistos hoje: <b>{today}</b> · "
                         "retenção estimada: <b>{retention}</b>"),
        "quizzes": "Questionários",
        "no quiz yet": "Ainda nenhum questionário terminado.",
        "best scores": "Questionários: melhores pontuações",
        "best score": "{quiz}: melhor pontuação <b>{score} / {max_score}</b> ({percent})",
        # progress that could not be saved or read
        "attempt not saved": ("A sua tentativa terminada ainda não foi guardada. Fica guardada "
                              "aqui, por isso nada se perde."),
        "rating not saved": ("A sua avaliação deste cartão ainda não foi guardada. Fica "
                             "guardada aqui, por isso nada se perde."),
        "visit not saved": "Não foi possível registar a sua visita a esta lição.",
        "progress not read": "Não foi possível ler o seu progresso.",
        "save again": "Guardar de novo",
        "saved now": "✔ Guardado.",
        "progress damaged": ("O seu ficheiro de progresso estava danificado: foi posto de parte "
                             "sem alterações (nada foi apagado) e o seu progresso recomeça do "
                             "zero."),
        "details": "Detalhes:",
        "problem locked": ("Outro notebook está a usar o seu ficheiro de progresso. Aguarde um "
                           "momento e tente de novo."),
        "problem disk full": "O disco está cheio. Liberte algum espaço e tente de novo.",
        "problem no permission": ("Não tem permissão para escrever no seu ficheiro de progresso "
                                  "ou na pasta dele. Peça acesso, ou defina STUDYPACK_HOME como "
                                  "uma pasta sua, e tente de novo."),
        "problem not a file": ("Há outra coisa (uma pasta, por exemplo) no lugar do seu "
                               "ficheiro de progresso. Mova-a para outro sítio e tente de novo."),
        "problem newer version": ("O seu ficheiro de progresso foi escrito por uma versão mais "
                                  "recente do studypack. Atualize o studypack (pip install -U "
                                  "studypack) e tente de novo."),
        "problem other": ("Não foi possível usar o seu ficheiro de progresso (veja os "
                          "detalhes). Verifique o disco e a pasta e tente de novo."),
    },
    "es": {
        # flashcards
        "topic": "tema",
        "all topics": "todos los temas",
        "all cards": "todas las tarjetas",
        "due now": "pendientes ahora",
        "flip": "Girar",
        "flip tooltip": "mostrar la otra cara",
        "previous": "Anterior",
        "next": "Siguiente",
        "shuffle": "Barajar",
        "again": "Otra vez",
        "hard": "Difícil",
        "good": "Bien",
        "easy": "Fácil",
        "card position": "Tarjeta {position} de {total}",
        "recall then flip": "Recuerda la respuesta y luego gira la tarjeta.",
        "nothing due": ("<b>No hay nada pendiente ahora.</b> ¡Bien hecho! Vuelve más tarde o "
                        "cambia a <i>todas las tarjetas</i> para seguir practicando."),
        "no cards for topic": "No hay tarjetas de este tema.",
        "stats line": (
            "Repasadas hoy: <b>{today}</b> · "
            "pendientes ahora: <b>{due}</b> por repasar + <b>{new}</b> nuevas · "
            "retención estimada: <b>{retention}</b>"),
        "no reviews yet": "aún sin repasos",
        "minutes": "{n} min",
        "hours": "{n} h",
        "days": "{n} d",
        # quiz
        "one at a time": "de una en una",
        "all at once": "todas a la vez",
        "finish": "Terminar",
        "finish tooltip": "terminar este intento y ver la puntuación",
        "new attempt": "Nuevo intento",
        "new attempt tooltip": "nuevo orden, nuevos números",
        "question number": "Pregunta {number}",
        "your answer": "tu respuesta",
        "tick every right one": "marca todas las correctas:",
        "number placeholder": "un número, p. ej. 0,25",
        "check": "Comprobar",
        "choose an option": "Elige primero una opción.",
        "tick an option": "Marca primero al menos una opción.",
        "type a number": "Escribe un número (has escrito «{typed}»), p. ej. 0,25; -1,5 o 1/4.",
        "type a number first": "Escribe primero un número, p. ej. 0,25; -1,5 o 1/4.",
        "correct": "✔ Correcto.",
        "partly right": "Parcialmente correcta: {points} de {max_points} punto.",
        "not quite": "✘ No del todo.",
        "you chose it": "la has elegido",
        "right option not chosen": "una opción correcta que no has elegido",
        "answer was": "La respuesta es {expected}; has respondido {given}.",
        "why": "Por qué:",
        "no answer": "sin respuesta",
        "attempt progress": ("Intento {attempt} · {where}comprobadas: {checked} · "
                             "puntuación hasta ahora {score} / {checked}"),
        "where in quiz": "Pregunta {position} de {total} · ",
        "score": "Puntuación: {score} / {max_score} ({percent})",
        "all right": "Todas las respuestas eran correctas. ¡Bien hecho!",
        "review missed": ("Repasa las preguntas que has fallado ({count}); pulsa "
                          "<i>Nuevo intento</i> para volver a practicar:"),
        "not answered": "Sin responder.",
        "your answer was": "Tu respuesta: {given}. Respuesta correcta: {expected}.",
        # assignments (studypack assign): the student notebook and form
        "assignment notebook intro": (
            "{count} preguntas. Ejecuta la celda de abajo (Mayús+Intro), escribe tu nombre, "
            "responde a las preguntas y pulsa **Guardar**. Tus respuestas se guardan en "
            "`{responses}`, junto a este notebook; puedes guardar tantas veces como quieras "
            "(cada guardado sustituye al anterior). Entrega el archivo `{responses}`."),
        "assignment instructions": ("Escribe tu nombre, responde a las preguntas y luego pulsa "
                                    "<b>Guardar</b>. Puedes cambiar las respuestas y volver a "
                                    "guardar."),
        "your name": "tu nombre",
        "name placeholder": "nombre y apellidos",
        "name needed": "Escribe primero tu nombre, para que tus respuestas puedan calificarse.",
        "save": "Guardar",
        "saved answers shown": "Se muestran tus respuestas guardadas el {saved_at}.",
        "not saved because": "No se ha guardado: {problem}",
        "saved summary": ("Guardadas {saved} de {total} respuestas de {student} el {saved_at} "
                          "en {file}:"),
        "not answered yet": "Preguntas aún sin responder: {numbers}.",
        "unreadable number": "pregunta {number} («{typed}» no es un número, p. ej. 0,25 o -1,5)",
        "not saved list": "Respuestas no guardadas: {items}.",
        # notes
        "note": "nota",
        "previous note": "Nota anterior",
        "next note": "Nota siguiente",
        "review cards": "Repasar las {count} tarjetas relacionadas",
        "practise questions": "Practicar las {count} preguntas relacionadas",
        "go further": "Para saber más",
        "lesson link": "Lección: {link}",
        "cards on this subject": "Tarjetas sobre este tema ({count})",
        "questions on this subject": "Preguntas sobre este tema ({count})",
        # progress overview
        "learner": "Estudiante",
        "refresh": "Actualizar",
        "refresh tooltip": "volver a leer el archivo de progreso",
        "lessons visited": "Lecciones vistas: {seen} de {total}",
        "flashcards": "Tarjetas",
        "card figures": ("Pendientes ahora: <b>{due}</b> · nunca estudiadas: <b>{new}</b> · "
                         "repasadas hoy: <b>{today}</b> · "
                         "retención estimada: <b>{retention}</b>"),
        "quizzes": "Cuestionarios",
        "no quiz yet": "Aún no has terminado ningún cuestionario.",
        "best scores": "Cuestionarios: mejores puntuaciones",
        "best score": "{quiz}: mejor puntuación <b>{score} / {max_score}</b> ({percent})",
        # progress that could not be saved or read
        "attempt not saved": ("Tu intento terminado aún no está guardado. Se conserva aquí, así "
                              "que no se pierde nada."),
        "rating not saved": ("Tu valoración de esta tarjeta aún no está guardada. Se conserva "
                             "aquí, así que no se pierde nada."),
        "visit not saved": "No se ha podido registrar tu visita a esta lección.",
        "progress not read": "No se ha podido leer tu progreso.",
        "save again": "Guardar de nuevo",
        "saved now": "✔ Guardado.",
        "progress damaged": ("Tu archivo de progreso estaba dañado: se ha apartado sin cambios "
                             "(no se ha borrado nada) y tu progreso vuelve a empezar."),
        "details": "Detalles:",
        "problem locked": ("Otro notebook está usando tu archivo de progreso. Espera un momento "
                           "y vuelve a intentarlo."),
        "problem disk full": "El disco está lleno. Libera algo de espacio y vuelve a intentarlo.",
        "problem no permission": ("No tienes permiso para escribir en tu archivo de progreso o "
                                  "en su carpeta. Pide acceso, o apunta STUDYPACK_HOME a una "
                                  "carpeta tuya, y vuelve a intentarlo."),
        "problem not a file": ("Hay otra cosa (una carpeta, por ejemplo) donde debería estar tu "
                               "archivo de progreso. Muévela a otro sitio y vuelve a intentarlo."),
        "problem newer version": ("Tu archivo de progreso lo escribió una versión más reciente "
                                  "de studypack. Actualiza studypack (pip install -U studypack) "
                                  "y vuelve a intentarlo."),
        "problem other": ("No se ha podido usar tu archivo de progreso (mira los detalles). "
                          "Comprueba el disco y la carpeta y vuelve a intentarlo."),
    },
    "de": {
        # flashcards
        "topic": "Thema",
        "all topics": "alle Themen",
        "all cards": "alle Karten",
        "due now": "jetzt fällig",
        "flip": "Umdrehen",
        "flip tooltip": "die andere Seite zeigen",
        "previous": "Zurück",
        "next": "Weiter",
        "shuffle": "Mischen",
        "again": "Nochmal",
        "hard": "Schwer",
        "good": "Gut",
        "easy": "Einfach",
        "card position": "Karte {position} von {total}",
        "recall then flip": "Erst an die Antwort erinnern, dann umdrehen.",
        "nothing due": ("<b>Jetzt ist nichts fällig.</b> Gut gemacht! Schauen Sie später wieder "
                        "vorbei oder wechseln Sie zu <i>alle Karten</i>, um weiter zu üben."),
        "no cards for topic": "Keine Karten zu diesem Thema.",
        "stats line": (
            "Heute wiederholt: <b>{today}</b> · "
            "jetzt fällig: <b>{due}</b> zu wiederholen + <b>{new}</b> neu · "
            "geschätzte Behaltensrate: <b>{retention}</b>"),
        "no reviews yet": "noch keine Wiederholungen",
        "minutes": "{n} Min.",
        "hours": "{n} Std.",
        "days": "{n} Tg.",
        # quiz
        "one at a time": "einzeln",
        "all at once": "alle auf einmal",
        "finish": "Beenden",
        "finish tooltip": "diesen Versuch beenden und das Ergebnis sehen",
        "new attempt": "Neuer Versuch",
        "new attempt tooltip": "neue Reihenfolge, neue Zahlen",
        "question number": "Frage {number}",
        "your answer": "Ihre Antwort",
        "tick every right one": "alle richtigen ankreuzen:",
        "number placeholder": "eine Zahl, z. B. 0,25",
        "check": "Prüfen",
        "choose an option": "Bitte zuerst eine Option wählen.",
        "tick an option": "Bitte zuerst mindestens eine Option ankreuzen.",
        "type a number": ("Bitte eine Zahl eingeben (Ihre Eingabe: „{typed}“), "
                          "z. B. 0,25; -1,5 oder 1/4."),
        "type a number first": "Bitte zuerst eine Zahl eingeben, z. B. 0,25; -1,5 oder 1/4.",
        "correct": "✔ Richtig.",
        "partly right": "Teilweise richtig: {points} von {max_points} Punkt.",
        "not quite": "✘ Nicht ganz.",
        "you chose it": "von Ihnen gewählt",
        "right option not chosen": "eine richtige Option, die Sie nicht gewählt haben",
        "answer was": "Die Antwort ist {expected}; Ihre Antwort war {given}.",
        "why": "Warum:",
        "no answer": "keine Antwort",
        "attempt progress": ("Versuch {attempt} · {where}{checked} geprüft · "
                             "bisherige Punktzahl {score} / {checked}"),
        "where in quiz": "Frage {position} von {total} · ",
        "score": "Ergebnis: {score} / {max_score} ({percent})",
        "all right": "Alle Antworten waren richtig. Gut gemacht!",
        "review missed": ("Gehen Sie die nicht gelösten Fragen ({count}) noch einmal durch; "
                          "mit <i>Neuer Versuch</i> üben Sie erneut:"),
        "not answered": "Nicht beantwortet.",
        "your answer was": "Ihre Antwort: {given}. Richtige Antwort: {expected}.",
        # assignments (studypack assign): the student notebook and form
        "assignment notebook intro": (
            "{count} Fragen. Führen Sie die Zelle unten aus (Umschalt+Enter), geben Sie Ihren "
            "Namen ein, beantworten Sie die Fragen und klicken Sie auf **Speichern**. Ihre "
            "Antworten werden in `{responses}` neben diesem Notebook gespeichert; Sie können "
            "beliebig oft speichern (jedes Speichern ersetzt das vorherige). "
            "Geben Sie `{responses}` ab."),
        "assignment instructions": ("Geben Sie Ihren Namen ein, beantworten Sie die Fragen und "
                                    "klicken Sie dann auf <b>Speichern</b>. Sie können Antworten "
                                    "ändern und erneut speichern."),
        "your name": "Ihr Name",
        "name placeholder": "Vor- und Nachname",
        "name needed": ("Geben Sie zuerst Ihren Namen ein, damit Ihre Antworten bewertet werden "
                        "können."),
        "save": "Speichern",
        "saved answers shown": "Ihre am {saved_at} gespeicherten Antworten werden angezeigt.",
        "not saved because": "Nicht gespeichert: {problem}",
        "saved summary": ("{saved} von {total} Antworten für {student} am {saved_at} "
                          "in {file} gespeichert:"),
        "not answered yet": "Noch nicht beantwortete Fragen: {numbers}.",
        "unreadable number": "Frage {number} („{typed}“ ist keine Zahl, z. B. 0,25 oder -1,5)",
        "not saved list": "Nicht gespeichert: {items}.",
        # notes
        "note": "Notiz",
        "previous note": "Vorherige Notiz",
        "next note": "Nächste Notiz",
        "review cards": "Die {count} zugehörigen Karten wiederholen",
        "practise questions": "Die {count} zugehörigen Fragen üben",
        "go further": "Weiterführendes",
        "lesson link": "Lektion: {link}",
        "cards on this subject": "Karten zu diesem Thema ({count})",
        "questions on this subject": "Fragen zu diesem Thema ({count})",
        # progress overview
        "learner": "Lernprofil",
        "refresh": "Aktualisieren",
        "refresh tooltip": "die Fortschrittsdatei neu einlesen",
        "lessons visited": "Lektionen: {seen} von {total} besucht",
        "flashcards": "Karteikarten",
        "card figures": ("Jetzt fällig: <b>{due}</b> · nie gelernt: <b>{new}</b> · "
                         "heute wiederholt: <b>{today}</b> · "
                         "geschätzte Behaltensrate: <b>{retention}</b>"),
        "quizzes": "Quiz",
        "no quiz yet": "Noch kein Quiz abgeschlossen.",
        "best scores": "Quiz: beste Ergebnisse",
        "best score": "{quiz}: bestes Ergebnis <b>{score} / {max_score}</b> ({percent})",
        # progress that could not be saved or read
        "attempt not saved": ("Ihr abgeschlossener Versuch ist noch nicht gespeichert. Er "
                              "bleibt hier erhalten, es geht also nichts verloren."),
        "rating not saved": ("Ihre Bewertung dieser Karte ist noch nicht gespeichert. Sie "
                             "bleibt hier erhalten, es geht also nichts verloren."),
        "visit not saved": "Ihr Besuch dieser Lektion konnte nicht gespeichert werden.",
        "progress not read": "Ihr Lernfortschritt konnte nicht gelesen werden.",
        "save again": "Erneut speichern",
        "saved now": "✔ Gespeichert.",
        "progress damaged": ("Ihre Fortschrittsdatei war beschädigt: Sie wurde unverändert "
                             "beiseitegelegt (nichts wurde gelöscht), und Ihr Lernfortschritt "
                             "beginnt von vorn."),
        "details": "Details:",
        "problem locked": ("Ein anderes Notebook verwendet gerade Ihre Fortschrittsdatei. "
                           "Warten Sie einen Moment und versuchen Sie es dann erneut."),
        "problem disk full": ("Der Datenträger ist voll. Geben Sie Speicherplatz frei und "
                              "versuchen Sie es dann erneut."),
        "problem no permission": ("Sie dürfen Ihre Fortschrittsdatei oder ihren Ordner nicht "
                                  "beschreiben. Lassen Sie sich Zugriff geben oder setzen Sie "
                                  "STUDYPACK_HOME auf einen eigenen Ordner und versuchen Sie es "
                                  "dann erneut."),
        "problem not a file": ("An der Stelle Ihrer Fortschrittsdatei liegt etwas anderes (zum "
                               "Beispiel ein Ordner). Verschieben Sie es und versuchen Sie es "
                               "dann erneut."),
        "problem newer version": ("Ihre Fortschrittsdatei wurde von einer neueren "
                                  "studypack-Version geschrieben. Aktualisieren Sie studypack "
                                  "(pip install -U studypack) und versuchen Sie es dann erneut."),
        "problem other": ("Ihre Fortschrittsdatei konnte nicht verwendet werden (siehe "
                          "Details). Prüfen Sie den Datenträger und den Ordner und versuchen "
                          "Sie es dann erneut."),
    },
}


def interface_text(language: str = "en") -> dict[str, str]:
    """The interface words in `language` (a pack language code), English where missing."""
    return {**ENGLISH, **TRANSLATED.get(language, {})}
